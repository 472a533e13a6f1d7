package org.aioemu.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** fio as the tests' reference peer: whether it is installed (tests that need it skip by assumption without). */
public final class FioPeer {
    private static Boolean available;

    private FioPeer() {
    }

    /** Whether {@code fio --version} runs; asked once per test JVM. */
    public static synchronized boolean available() {
        if (available == null) {
            available = probe();
        }
        return available;
    }

    private static boolean probe() {
        try {
            Process p = new ProcessBuilder("fio", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
