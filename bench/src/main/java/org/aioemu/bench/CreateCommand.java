package org.aioemu.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aioemu create -f raw|lz4 FILE SIZE}: a new empty image, as {@code qemu-img create}. */
@Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create an empty image (overwriting FILE), as qemu-img create.",
                "Example: aioemu create -f lz4 disk.lz4 10G -o cluster_size=64k"})
final class CreateCommand implements Callable<Integer> {
    @Option(names = "-f", paramLabel = "FMT", defaultValue = "raw", description = "raw (a sparse file) or lz4. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "-o", paramLabel = "OPTIONS", description = "Format options, key=value[,...]: lz4 takes cluster_size"
            + " (a power of two, 4k to 2M; default 64k); raw takes none.")
    List<String> options = new ArrayList<>();

    @Option(names = "-q", description = "Quiet: print nothing.")
    boolean quiet;

    @Parameters(index = "0", paramLabel = "FILE", description = "The image to create.")
    Path file;

    @Parameters(index = "1", paramLabel = "SIZE", description = "Virtual size in bytes, or with a suffix k, M, G, T, P or E"
            + " (powers of 1024; 1.5G). lz4 sizes are whole 512-byte sectors.")
    String size;

    @Override
    public Integer call() {
        ImageCreation image = ImageCreation.of(file, Images.format(format), ImageSizes.parse(size), options);
        if (!quiet) {
            System.out.println(image.describe(file));
        }
        image.create(file);
        return 0;
    }
}
