package org.aioemu.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.aioemu.blockdev.lz4.Lz4FormatException;
import org.aioemu.blockdev.lz4.Lz4Images;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aioemu check FILE}: checks an lz4 image's metadata and every stored cluster, as {@code qemu-img check}, with
 * its exit codes (0 clean, 1 the check could not run, 2 corruptions, 3 leaks left unrepaired, 63 a format without
 * checks), so scripts that branch on qemu-img's codes branch alike. lz4 leaks are bytes past the committed end of
 * the file (writes a crash kept from being committed), counted in bytes rather than clusters.
 */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check an lz4 image for corruption and leaked space, as qemu-img check.",
                "Exit: 0 no errors, 1 the check could not run, 2 corruptions, 3 leaks only, 63 format without checks (raw).",
                "Example: aioemu check -r leaks disk.lz4"})
final class CheckCommand implements Callable<Integer> {
    static final int EXIT_CLEAN = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_CORRUPT = 2;
    static final int EXIT_LEAKS = 3;
    static final int EXIT_UNSUPPORTED = 63;

    @Option(names = "-f", paramLabel = "FMT", description = "raw or lz4. Default: probed from the image's first bytes.")
    String format;

    @Option(names = "-r", paramLabel = "leaks|all", description = "Repair: cut leaked bytes off the file's end"
            + " (all repairs the same: corruptions in lz4 images cannot be repaired).")
    String repair;

    @Option(names = "--output", paramLabel = "human|json", defaultValue = "human", description = "Default: ${DEFAULT-VALUE}.")
    String output;

    @Option(names = "-q", description = "Quiet: print nothing, only the exit code tells.")
    boolean quiet;

    @Parameters(index = "0", paramLabel = "FILE", description = "The image.")
    Path file;

    /** Leaked bytes the repair cut off; 0 when nothing was repaired. */
    private long leaksFixed;

    @Override
    public Integer call() {
        boolean json = Images.json(output);
        boolean repairLeaks = repair != null && switch (repair) {
            case "leaks", "all" -> true;
            default -> throw new Main.UserError("Unknown option value for -r (expecting 'leaks' or 'all'): " + repair);
        };
        if (!Images.formatOf(file, format).equals(Images.LZ4)) {
            System.err.println("aioemu: This image format does not support checks");
            return EXIT_UNSUPPORTED;
        }
        Lz4Images.CheckResult result;
        try {
            result = Lz4Images.check(file, repairLeaks);
            if (result.repaired()) {
                if (!json && !quiet) {
                    System.out.print("The following inconsistencies were found and repaired:\n\n    " + result.leakedBytes()
                            + " leaked bytes\n    0 corruptions\n\nDouble checking the fixed image now...\n");
                }
                // As qemu-img: what is reported and decides the exit code is a fresh check of the repaired image.
                leaksFixed = result.leakedBytes();
                result = Lz4Images.check(file, false);
            }
        } catch (IOException e) {
            System.err.println("aioemu: An error has occurred during the check: " + e.getMessage());
            System.err.println("aioemu: The check is not complete and may have missed errors.");
            return EXIT_FAILED;
        }
        Lz4Images.Info info = infoOrNull();
        if (!quiet) {
            System.out.print(json ? json(result, info) : human(result, info));
        }
        if (!result.corruptions().isEmpty()) {
            return EXIT_CORRUPT;
        }
        return result.leakedBytes() > 0 ? EXIT_LEAKS : EXIT_CLEAN;
    }

    /** Cluster counts for the allocation line; absent when the damage keeps the map from loading. */
    private Lz4Images.Info infoOrNull() {
        try {
            return Lz4Images.info(file);
        } catch (IOException | Lz4FormatException e) {
            return null;
        }
    }

    private String human(Lz4Images.CheckResult r, Lz4Images.Info info) {
        StringBuilder s = new StringBuilder();
        for (String problem : r.corruptions()) {
            System.err.println("ERROR " + problem); // one per line on stderr, as qemu-img names each damaged cluster
        }
        if (r.corruptions().isEmpty() && r.leakedBytes() == 0) {
            s.append("No errors were found on the image.\n");
        }
        if (!r.corruptions().isEmpty()) {
            s.append('\n').append(r.corruptions().size()).append(" errors were found on the image.\n")
                    .append("Data may be corrupted, or further writes to the image may corrupt it.\n");
        }
        if (r.leakedBytes() > 0) {
            s.append('\n').append(r.leakedBytes()).append(" leaked bytes were found on the image.\n")
                    .append("This means waste of disk space, but no harm to data.\n");
        }
        if (info != null && info.clusters() > 0) {
            long allocated = info.lz4Clusters() + info.rawClusters();
            if (allocated > 0) {
                s.append(String.format(Locale.ROOT, "%d/%d = %.2f%% allocated, %.2f%% fragmented, %.2f%% compressed clusters\n",
                        allocated, info.clusters(), 100.0 * allocated / info.clusters(), 0.0, 100.0 * info.lz4Clusters() / allocated));
            }
        }
        if (info != null) {
            s.append("Image end offset: ").append(info.fileLength() - r.leakedBytes()).append('\n');
        }
        return s.toString();
    }

    private String json(Lz4Images.CheckResult r, Lz4Images.Info info) {
        ObjectNode root = QemuJson.object();
        if (info != null) {
            root.put("image-end-offset", info.fileLength() - r.leakedBytes());
            root.put("total-clusters", info.clusters());
        }
        root.put("check-errors", 0);
        // qemu leaves out the counts that are zero.
        if (!r.corruptions().isEmpty()) {
            root.put("corruptions", r.corruptions().size());
        }
        if (r.leakedBytes() > 0) {
            root.put("leaks", r.leakedBytes());
        }
        if (leaksFixed > 0) {
            root.put("leaks-fixed", leaksFixed);
        }
        if (info != null && info.lz4Clusters() + info.rawClusters() > 0) {
            root.put("allocated-clusters", info.lz4Clusters() + info.rawClusters());
            root.put("compressed-clusters", info.lz4Clusters());
        }
        root.put("filename", file.toString());
        root.put("format", Images.LZ4);
        return QemuJson.write(root) + "\n";
    }
}
