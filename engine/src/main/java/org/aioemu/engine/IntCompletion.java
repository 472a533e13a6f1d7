package org.aioemu.engine;

/** Receives a request's result on the loop thread: >= 0 on success, a negative errno on failure. */
@FunctionalInterface
public interface IntCompletion {
    void complete(int result);
}
