package org.aioemu.bench.output;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * The process's stdout, with the reason of its first failed write kept. {@link PrintStream} turns a failed
 * write into a flag ({@link PrintStream#checkError}) and drops the exception; results lost to {@code >/dev/full}
 * or a full disk must still end in a message that says why.
 *
 * <p>Threading: any thread may write; the kept failure is published through a volatile field.
 */
public final class Stdout {
    private static volatile IOException failure;

    private Stdout() {
    }

    /** Replaces System.out by a stream over file descriptor 1 that keeps its failures. Called once, from main. */
    public static void install() {
        OutputStream fd = new FileOutputStream(FileDescriptor.out);
        OutputStream keeping = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    fd.write(b, off, len);
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    }
                    throw e;
                }
            }
        };
        // autoflush as the JVM's own System.out, so lines interleave with stderr's as before
        System.setOut(new PrintStream(new java.io.BufferedOutputStream(keeping, 8192), true, System.out.charset()));
    }

    /** Why stdout failed, e.g. {@code "No space left on device (ENOSPC)"}; a generic phrase when not known. */
    public static String failure() {
        IOException e = failure;
        return e != null ? IoReasons.of(e) : "a write failed";
    }
}
