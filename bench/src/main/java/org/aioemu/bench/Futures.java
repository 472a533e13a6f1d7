package org.aioemu.bench;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Waiting for a backend's future from a command's own thread, its failure given back as the IOException it is
 * (a {@code BlockIOException} naming errno, operation, range and image) rather than wrapped, so a command prints it
 * as one line.
 */
final class Futures {
    private Futures() {
    }

    static <T> T await(CompletableFuture<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    /** {@code t} as an IOException: itself if it is one, else one carrying its message. */
    static IOException unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof IOException io ? io : new IOException(t.getMessage() != null ? t.getMessage() : t.toString(), t);
    }
}
