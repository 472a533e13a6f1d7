package org.aioemu.blockdev;

import java.util.concurrent.CompletableFuture;

/**
 * What the start of a range holds (QEMU's block status, NBD's {@code base:allocation}): {@code length} bytes from
 * {@code offset} are all allocated data, or all unallocated and reading as zeroes. A raw image answers from the file
 * system's holes (lseek's SEEK_DATA and SEEK_HOLE); data may still happen to be zeroes.
 */
public record BlockStatus(long offset, long length, boolean allocated, boolean zero) {
    /** Loop: asks {@code backend} through its loop form and completes {@code f} with the answer or the failure. */
    static void answer(BlockBackend backend, long offset, long length, CompletableFuture<BlockStatus> f) {
        try {
            backend.blockStatus(offset, length, (n, hole, error, detail) -> {
                if (error < 0) {
                    f.completeExceptionally(new BlockIOException(error, "block-status", offset, length, backend.image(), detail));
                } else {
                    f.complete(new BlockStatus(offset, n, !hole, hole));
                }
            });
        } catch (Throwable t) {
            f.completeExceptionally(t);
        }
    }
}
