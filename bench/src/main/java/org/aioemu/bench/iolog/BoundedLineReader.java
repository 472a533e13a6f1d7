package org.aioemu.bench.iolog;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;

/**
 * Lines of text no longer than a bound, so a file that is not text ({@code /dev/zero}, a 2 GB file without a
 * newline) is refused after a few KiB instead of being read into one giant String. Ends lines at {@code \n},
 * dropping a {@code \r} before it, as {@link java.io.BufferedReader#readLine} does for Unix and DOS files.
 *
 * <p>Threading: confined to one reader.
 */
public final class BoundedLineReader implements Closeable {
    /** A line longer than the bound; {@link #line} is its 1-based number. */
    public static final class TooLong extends IOException {
        private static final long serialVersionUID = 1L;
        private final long line;

        TooLong(long line, int max) {
            super("line " + line + " is longer than " + max + " characters");
            this.line = line;
        }

        public long line() {
            return line;
        }
    }

    private final Reader in;
    private final int max;
    private final char[] buf = new char[8192];
    private final StringBuilder line = new StringBuilder();
    private int pos;
    private int end;
    private long lineNo;

    public BoundedLineReader(Reader in, int maxChars) {
        this.in = in;
        this.max = maxChars;
    }

    /**
     * The next line without its terminator, or null at the end.
     *
     * @throws TooLong when the line exceeds the bound (nothing more of it is read)
     */
    public String readLine() throws IOException {
        line.setLength(0);
        lineNo++;
        while (true) {
            if (pos == end) {
                end = in.read(buf, 0, buf.length);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    return line.isEmpty() ? null : finish();
                }
            }
            int start = pos;
            while (pos < end && buf[pos] != '\n') {
                pos++;
            }
            line.append(buf, start, pos - start);
            if (line.length() > max + 1) { // +1: room for a '\r' that finish drops
                throw new TooLong(lineNo, max);
            }
            if (pos < end) {
                pos++; // the '\n'
                return finish();
            }
        }
    }

    private String finish() throws TooLong {
        int n = line.length();
        if (n > 0 && line.charAt(n - 1) == '\r') {
            line.setLength(n - 1);
        }
        if (line.length() > max) {
            throw new TooLong(lineNo, max);
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
