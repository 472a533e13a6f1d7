package org.aioemu.blockdev.nbd;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** The external tools tests drive as peers (qemu-utils, libnbd-bin, nbdkit): whether one runs here. */
final class Tools {
    private Tools() {
    }

    /** Whether {@code tool --version} runs and succeeds within 20 s: installed and working. */
    static boolean installed(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
