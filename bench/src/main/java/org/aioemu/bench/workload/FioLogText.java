package org.aioemu.bench.workload;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * fio's bw/iops/lat log text: {@code time, value, ddir, bs, prio} per line, as fio 3.33 writes it without
 * log_offset (the offset given to {@link LogSink#entry} is not written; the last column is the priority, 0).
 * Used on one loop thread, closed on the runner thread after the loop is done with it.
 */
final class FioLogText implements LogSink {
    private final BufferedWriter out;
    private final StringBuilder line = new StringBuilder(64);

    private FioLogText(BufferedWriter out) {
        this.out = out;
    }

    static LogSink open(Path file, LogKind kind) throws IOException {
        return new FioLogText(Files.newBufferedWriter(file, StandardCharsets.US_ASCII));
    }

    @Override
    public void entry(long timeMillis, long value, int ddir, long blockSize, long offset) {
        line.setLength(0);
        line.append(timeMillis).append(", ").append(value).append(", ").append(ddir).append(", ").append(blockSize).append(", 0\n");
        try {
            out.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException("log file: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("log file: " + e.getMessage(), e);
        }
    }
}
