package org.aioemu.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.aioemu.aio.FileHandle;
import org.aioemu.aio.OpenOptions;
import org.aioemu.blockdev.lz4.Lz4FormatException;
import org.aioemu.blockdev.lz4.Lz4Images;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aioemu info FILE}: an image's format, sizes and (for lz4) its clusters, in qemu-img info's human lines or its
 * JSON record, so that scripts reading {@code qemu-img info --output=json} read this too.
 */
@Command(name = "info", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show an image's format, virtual size, disk size and (lz4) cluster statistics, as qemu-img info.",
                "Example: aioemu info --output=json disk.lz4"})
final class InfoCommand implements Callable<Integer> {
    @Option(names = "-f", paramLabel = "FMT", description = "raw or lz4. Default: probed from the image's first bytes.")
    String format;

    @Option(names = "--output", paramLabel = "human|json", defaultValue = "human", description = "Default: ${DEFAULT-VALUE}.")
    String output;

    @Parameters(index = "0", paramLabel = "FILE", description = "The image.")
    Path file;

    /** What both layouts print; {@code lz4} is null for a raw image. */
    private record Facts(String format, long virtualSize, long diskSize, Lz4Images.Info lz4) {
    }

    @Override
    public Integer call() {
        boolean json = Images.json(output);
        Facts facts = facts(file, Images.formatOf(file, format));
        System.out.print(json ? json(facts) : human(facts));
        return 0;
    }

    private static Facts facts(Path file, String format) {
        try {
            long disk = Files.isRegularFile(file) ? Images.allocatedBytes(file) : 0;
            if (format.equals(Images.LZ4)) {
                Lz4Images.Info info = Lz4Images.info(file);
                return new Facts(format, info.virtualSize(), disk, info);
            }
            try (FileHandle fh = FileHandle.open(file, OpenOptions.readOnly())) {
                return new Facts(format, ImageSizes.sectorAligned(fh.size()), disk, null);
            }
        } catch (IOException | Lz4FormatException e) {
            throw Images.cannotOpen(file, e.getMessage());
        }
    }

    private String human(Facts f) {
        StringBuilder s = new StringBuilder()
                .append("image: ").append(file).append('\n')
                .append("file format: ").append(f.format()).append('\n')
                .append("virtual size: ").append(ImageSizes.human(f.virtualSize())).append(" (").append(f.virtualSize()).append(" bytes)\n")
                .append("disk size: ").append(ImageSizes.human(f.diskSize())).append('\n');
        Lz4Images.Info i = f.lz4();
        if (i != null) {
            s.append("cluster_size: ").append(i.clusterSize()).append('\n')
                    .append("Format specific information:\n")
                    .append("    clusters: ").append(i.clusters()).append('\n')
                    .append("    zero clusters: ").append(i.zeroClusters()).append('\n')
                    .append("    lz4 clusters: ").append(i.lz4Clusters()).append('\n')
                    .append("    raw clusters: ").append(i.rawClusters()).append('\n')
                    .append("    stored bytes: ").append(i.storedClusterBytes()).append('\n')
                    .append("    compression ratio: ").append(String.format(Locale.ROOT, "%.2f", i.compressionRatio())).append('\n')
                    .append("    generation: ").append(i.generation()).append('\n')
                    .append("    clean: ").append(i.clean()).append('\n');
        }
        return s.toString();
    }

    /** qemu-img's record, its fields in its order; "format-specific" only for lz4, as qemu has none for raw. */
    private String json(Facts f) {
        Lz4Images.Info i = f.lz4();
        ObjectNode root = QemuJson.object();
        root.put("virtual-size", f.virtualSize());
        root.put("filename", file.toString());
        if (i != null) {
            root.put("cluster-size", i.clusterSize());
        }
        root.put("format", f.format());
        root.put("actual-size", f.diskSize());
        if (i != null) {
            ObjectNode data = QemuJson.object();
            data.put("clusters", i.clusters());
            data.put("zero-clusters", i.zeroClusters());
            data.put("lz4-clusters", i.lz4Clusters());
            data.put("raw-clusters", i.rawClusters());
            data.put("stored-bytes", i.storedClusterBytes());
            data.put("compression-ratio", BigDecimal.valueOf(i.compressionRatio()).setScale(4, RoundingMode.HALF_EVEN));
            data.put("generation", i.generation());
            data.put("clean", i.clean());
            ObjectNode specific = root.putObject("format-specific");
            specific.put("type", Images.LZ4);
            specific.set("data", data);
        }
        // qemu's dirty flag marks an image not closed cleanly; an lz4 image records that as its clean flag.
        root.put("dirty-flag", i != null && !i.clean());
        return QemuJson.write(root) + "\n";
    }
}
