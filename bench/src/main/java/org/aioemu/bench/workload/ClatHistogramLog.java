package org.aioemu.bench.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.aioemu.bench.iolog.HistLogWriter;
import org.aioemu.bench.iolog.PlatBins;

/**
 * write_hist_log with log_hist_msec, as fio 3.33 keeps it: each direction counts its completion latencies in fio's
 * plat bins from the start, and its window opens at its first completion; the first completion at least
 * log_hist_msec after the window opened writes a line (stamped with its own time and block size) of what the
 * bins gained since the direction's previous line, and opens the next window. A window still open at the end
 * writes nothing. Without log_hist_msec the file stays empty, as fio leaves it.
 *
 * <p>Loop only (the job's completions). After set-up it allocates only the one copy of the bins that the
 * first line of each direction keeps to subtract.
 */
final class ClatHistogramLog implements AutoCloseable {
    private final Path file;
    private final HistLogWriter writer;
    private final long windowMillis;
    private final long[][] bins = new long[3][PlatBins.COUNT];
    /** The bins at each direction's last line; null before its first. */
    private final long[][] logged = new long[3][];
    private final long[] windowStart = {-1, -1, -1};

    ClatHistogramLog(Path file, long windowMillis, int coarseness) throws IOException {
        this.file = file;
        this.windowMillis = windowMillis;
        this.writer = new HistLogWriter(file, coarseness);
    }

    /** A completion of direction {@code ddir} (0..2) with completion latency {@code clatNanos}, at {@code tMillis}. */
    void completed(int ddir, long clatNanos, long tMillis, long blockSize) {
        if (windowMillis <= 0) {
            return;
        }
        long[] b = bins[ddir];
        b[PlatBins.index(clatNanos)]++;
        if (windowStart[ddir] < 0) {
            windowStart[ddir] = tMillis;
        } else if (tMillis - windowStart[ddir] >= windowMillis) {
            writer.line(tMillis, ddir, blockSize, b, logged[ddir]);
            if (logged[ddir] == null) {
                logged[ddir] = new long[PlatBins.COUNT];
            }
            System.arraycopy(b, 0, logged[ddir], 0, PlatBins.COUNT);
            windowStart[ddir] = tMillis;
        }
    }

    /** Runner thread, after the job ended. */
    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("hist log " + file + ": " + e.getMessage(), e);
        }
    }
}
