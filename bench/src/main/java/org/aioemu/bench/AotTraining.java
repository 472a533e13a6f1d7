package org.aioemu.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run the {@code aioemu} launcher records its JDK's ahead-of-time cache from ({@code
 * -XX:AOTCacheOutput}, JEP 483/515): the CLI's commands, each once on small images in a temporary directory, so the
 * cache holds the classes they load and link and the profiles of the methods they run. A command started from the
 * cache skips most of the JVM's class loading and early interpretation: {@code aioemu convert} of 1 GiB to lz4 on
 * 2 vCPUs took 2.08 s without it and 1.64 s with it, a constant cost every short command paid.
 *
 * <p>Not part of the product's behaviour: a command that fails here only leaves its classes out of the cache. The
 * exit status says whether every command succeeded, and the launcher then keeps the cache.
 */
public final class AotTraining {
    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("aioemu-aot-training");
        int failed;
        try {
            failed = train(dir);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    /** Runs every command once on small images made in {@code dir}; returns how many failed (each named on stderr). */
    static int train(Path dir) {
        int failed = 0;
        String raw = dir.resolve("train.raw").toString();
        String lz4 = dir.resolve("train.lz4").toString();
        List<String[]> commands = List.of(
                new String[] {"--version"},
                new String[] {"bench", "--filename=" + raw, "--size=16m", "--runtime=1", "--rw=randrw",
                        "--output-format=normal,json", "--output=" + dir.resolve("bench.out")},
                new String[] {"bench", "--filename=" + raw, "--size=16m", "--runtime=1", "--rw=read", "--bs=64k",
                        "--iodepth=4", "--output-format=terse"},
                new String[] {"create", "-f", "lz4", dir.resolve("empty.lz4").toString(), "16M"},
                new String[] {"convert", "-q", "-O", "lz4", "-m", "16", raw, lz4},
                new String[] {"info", lz4},
                new String[] {"info", "--output=json", raw},
                new String[] {"check", lz4},
                new String[] {"compare", raw, lz4},
                new String[] {"convert", "-q", "-O", "raw", lz4, dir.resolve("back.raw").toString()});
        for (String[] command : commands) {
            int exit = Main.run(command);
            if (exit != 0) {
                System.err.println("aioemu AOT training: '" + String.join(" ", command) + "' exited " + exit);
                failed++;
            }
        }
        return failed;
    }
}
