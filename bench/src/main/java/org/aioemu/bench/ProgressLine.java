package org.aioemu.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * qemu-img's {@code -p} line, "    (42.17/100%)", rewritten in place with a carriage return. Redrawn at most ten
 * times a second: a fast copy completes thousands of chunks a second, and a terminal that redraws for each slows
 * the copy it reports on. One thread.
 */
final class ProgressLine {
    private static final long MIN_INTERVAL_NANOS = 100_000_000;

    private final PrintStream out;
    private final long total;
    private long lastDrawn;

    ProgressLine(PrintStream out, long total) {
        this.out = out;
        this.total = total;
        this.lastDrawn = System.nanoTime();
        draw(0);
    }

    /** {@code done} of the total bytes are finished: redrawn unless the last redraw was under 100 ms ago. */
    void update(long done) {
        long now = System.nanoTime();
        if (now - lastDrawn >= MIN_INTERVAL_NANOS) {
            lastDrawn = now;
            draw(done);
        }
    }

    /** Draws 100% and ends the line, so what is printed next starts on a line of its own. */
    void finish() {
        draw(total);
        out.print('\n');
        out.flush();
    }

    private void draw(long done) {
        double percent = total == 0 ? 100 : 100.0 * done / total;
        out.printf(Locale.ROOT, "    (%.2f/100%%)\r", percent);
        out.flush();
    }
}
