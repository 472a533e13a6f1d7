package org.aioemu.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Images with known contents for the image commands' tests, and qemu-img run beside aioemu. */
final class ImageFixtures {
    private ImageFixtures() {
    }

    /**
     * A raw image of {@code size} bytes (a hole where not written): random data in [0, 1.5 MiB), text (compressible)
     * in [3 MiB, 4 MiB + 4196), random again in the last 777 bytes; zeroes everywhere else, written zeroes in
     * [5 MiB, 5.5 MiB) and a hole around them, so that zero detection sees both kinds.
     */
    static Path dataImage(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.truncate(0);
            write(ch, 0, randomBytes(random, 3 << 19));
            byte[] text = "the quick brown fox jumps over the lazy dog. ".repeat(30_000).getBytes(StandardCharsets.US_ASCII);
            write(ch, 3 << 20, Arrays.copyOf(text, (1 << 20) + 4196));
            if (size >= (11 << 19)) {
                write(ch, 5 << 20, new byte[1 << 19]);
            }
            write(ch, size - 777, randomBytes(random, 777));
            ch.truncate(size);
        }
        return file;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static void write(FileChannel ch, long at, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long pos = at;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }

    /** Overwrites one byte at {@code offset} with a value it does not hold. */
    static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
            ch.write(b, offset);
        }
    }

    /** What qemu-img printed and returned. */
    record Run(int exit, String out) {
    }

    /** Runs qemu-img with {@code args}, stdout and stderr together. */
    static Run qemuImg(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("qemu-img");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("qemu-img " + String.join(" ", args) + " did not finish");
        }
        return new Run(p.exitValue(), out);
    }

    /** Whether {@code a} holds {@code b}'s bytes followed only by zeroes (a copy padded to whole sectors). */
    static boolean sameDataPadded(Path a, Path b) throws IOException {
        byte[] x = Files.readAllBytes(a);
        byte[] y = Files.readAllBytes(b);
        byte[] longer = x.length >= y.length ? x : y;
        int common = Math.min(x.length, y.length);
        if (Arrays.mismatch(x, 0, common, y, 0, common) >= 0) {
            return false;
        }
        for (int i = common; i < longer.length; i++) {
            if (longer[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
