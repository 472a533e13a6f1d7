package org.aioemu.bench.iolog;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * fio's completion-latency histogram log ({@code write_hist_log}, {@code PREFIX_clat_hist.N.log}), in fio 3.33's
 * layout: one line per direction and window, {@code time_ms, ddir, bs, } then the counts of the completions since
 * that direction's previous line in each {@link PlatBins} bin, {@code 2^coarseness} adjacent bins summed into one
 * column ({@code log_hist_coarseness}, 0 to 6: 1856 down to 29 columns). fio's {@code fiologparser_hist.py} reads
 * it. No garbage per line (the bins are formatted in place).
 *
 * <p>Threading: confined to its owner, the thread that completes the job's I/O.
 */
public final class HistLogWriter implements Closeable {
    private final LineOut out;
    private final int stride;

    /** Creates (or truncates) {@code file}; {@code coarseness} 0 to 6. */
    public HistLogWriter(Path file, int coarseness) throws IOException {
        if (coarseness < 0 || coarseness > 6) {
            throw new IllegalArgumentException("log_hist_coarseness must be 0 to 6: " + coarseness);
        }
        this.stride = 1 << coarseness;
        this.out = new LineOut(file);
    }

    /**
     * One line: {@code bins} ({@link PlatBins#COUNT} of them) minus {@code before} (the counts at the direction's
     * previous line, or null for none) at {@code timeMillis} for direction {@code ddir}, block size {@code bs}.
     */
    public void line(long timeMillis, int ddir, long bs, long[] bins, long[] before) {
        out.num(timeMillis).ch(',').ch(' ').num(ddir).ch(',').ch(' ').num(bs);
        for (int start = 0; start < PlatBins.COUNT; start += stride) {
            long sum = 0;
            for (int i = start; i < start + stride; i++) {
                sum += before == null ? bins[i] : bins[i] - before[i];
            }
            out.ch(',').ch(' ').num(sum);
        }
        out.ch('\n');
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
