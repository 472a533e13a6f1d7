package org.aioemu.bench.iolog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs blktrace's own parser as the reference for the files aioemu writes; skips where it is missing. */
final class Blkparse {
    private Blkparse() {
    }

    static void assumeInstalled() {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            found |= !dir.isEmpty() && Files.isExecutable(Path.of(dir, "blkparse"));
        }
        Assumptions.assumeTrue(found, "blkparse is not on the PATH (apt-get install blktrace)");
    }

    /**
     * The event lines of {@code blkparse -i - < trace}, each cut to "ACTION RWBS SECTOR + SECTORS" (the fields after
     * the pid: "Q W 240 + 8"); a flush has no sector ("Q FN").
     */
    static List<String> events(Path trace) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("blkparse", "-i", "-").redirectInput(trace.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "blkparse did not finish");
        assertEquals(0, p.exitValue(), "blkparse failed:\n" + out);
        List<String> events = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // "MAJ,MIN CPU SEQ TIME PID ACTION RWBS ..." ; the summary lines do not start with MAJ,MIN
            if (f.length >= 7 && f[0].matches("\\d+,\\d+") && f[3].matches("\\d+\\.\\d+")) {
                StringBuilder sb = new StringBuilder(f[5]).append(' ').append(f[6]);
                if (f.length >= 10 && f[8].equals("+")) {
                    sb.append(' ').append(f[7]).append(" + ").append(f[9]);
                }
                events.add(sb.toString());
            }
        }
        return events;
    }
}
