package org.aioemu.bench;

import java.io.PrintWriter;
import org.aioemu.bench.job.Printable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code aioemu} command. User mistakes print one clear line and exit 1, never a stack trace. */
@Command(name = "aioemu", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Asynchronous block-I/O engine: fio-compatible disk-image benchmarks on the JVM.",
        subcommands = {BenchCommand.class, RunCommand.class, FioCommand.class, ServeCommand.class, ReportCommand.class,
                CreateCommand.class, InfoCommand.class, CheckCommand.class, CompareCommand.class, ConvertCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        org.aioemu.bench.output.Stdout.install(); // keeps the reason of a failed write for the message
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (0 ok, 1 user error or failed job). */
    static int run(String... args) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        // As fio takes the last of an option given twice (a script's default, then the user's override), so do
        // aioemu's own options (--aio, --output, --eta, ...), rather than refusing the line.
        cmd.setOverwrittenOptionsAllowed(true);
        cmd.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("aioemu: " + Printable.escapeLines(ex.getMessage())); // input echoed: no raw NULs or escapes
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
            return 1;
        });
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> {
            if (ex instanceof UserError || ex instanceof IllegalArgumentException || ex instanceof java.io.IOException) {
                c.getErr().println("aioemu: " + Printable.escapeLines(ex.getMessage()));
                return 1;
            }
            throw ex;
        });
        int exit = cmd.execute(args);
        // PrintStream swallows write errors: results lost to a full disk or /dev/full must not exit 0.
        System.out.flush();
        if (System.out.checkError()) {
            System.err.println("aioemu: cannot write to stdout: " + org.aioemu.bench.output.Stdout.failure());
            return exit == 0 ? 1 : exit;
        }
        return exit;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    /** A failure that is the user's to fix: printed as one line. */
    static final class UserError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UserError(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"aioemu " + version(), "JVM " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
