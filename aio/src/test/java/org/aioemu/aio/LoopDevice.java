package org.aioemu.aio;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A loop device over a test file, for tests of block-device handling: made with losetup, detached on close.
 * Where the machine cannot make one (not root, no /dev/loop-control, no losetup) the test is skipped with
 * the reason.
 */
public final class LoopDevice implements AutoCloseable {
    private final Path device;

    private LoopDevice(Path device) {
        this.device = device;
    }

    /** A loop device over {@code backing} with {@code sectorSize}-byte logical sectors (512 or 4096). */
    public static LoopDevice attach(Path backing, int sectorSize) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("losetup", "--find", "--show", "--sector-size", Integer.toString(sectorSize),
                    backing.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "losetup is not installed: " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        boolean ended = p.waitFor(30, TimeUnit.SECONDS);
        assumeTrue(ended && p.exitValue() == 0 && out.startsWith("/dev/loop"),
                "no loop device here (needs root and /dev/loop-control): " + out);
        return new LoopDevice(Path.of(out));
    }

    public Path path() {
        return device;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        new ProcessBuilder("losetup", "--detach", device.toString()).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    }
}
