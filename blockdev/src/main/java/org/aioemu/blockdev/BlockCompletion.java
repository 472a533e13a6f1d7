package org.aioemu.blockdev;

/**
 * Receives a block request's outcome on the loop thread: {@code result} >= 0 on success (bytes for
 * reads and writes, 0 otherwise) or a negative errno, with a human detail of the failure (null on success).
 */
@FunctionalInterface
public interface BlockCompletion {
    void complete(int result, String errorDetail);
}
