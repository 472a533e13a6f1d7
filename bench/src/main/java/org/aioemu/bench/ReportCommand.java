package org.aioemu.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.aioemu.bench.report.HtmlReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aioemu report RESULTS.json [LOGS...] -o report.html}: one self-contained HTML page of charts. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Turn JSON results (aioemu's or fio's --output-format=json) and fio-format logs",
                "(write_bw_log, write_iops_log, write_lat_log) into one self-contained HTML page."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RESULTS.json", description = "Results in fio's JSON format.")
    Path results;

    @Parameters(index = "1..*", paramLabel = "LOG", description = "Log files: PREFIX_bw.N.log, PREFIX_iops.N.log, PREFIX_lat.N.log ...")
    List<Path> logs = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "The HTML file to write.")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(results)) {
            throw new Main.UserError(results + ": no such readable file");
        }
        for (Path log : logs) {
            if (!Files.isReadable(log)) {
                throw new Main.UserError(log + ": no such readable file");
            }
        }
        List<Path> inputs = new ArrayList<>(logs);
        inputs.add(results);
        org.aioemu.bench.output.OutputPaths.clash(output, inputs).ifPresent(in -> {
            throw new Main.UserError("--output=" + output + ": refusing to overwrite the input " + in);
        });
        HtmlReport.write(results, logs, output, warning -> System.err.println("aioemu: " + warning));
        System.err.println("aioemu: wrote " + output);
        return 0;
    }
}
