package org.aioemu.aio;

import org.aioemu.engine.AioContext;

/**
 * The shared engine contract on io_uring (on {@link AioContext#create()}'s loop, which is io_uring wherever
 * io_uring is available). Skipped, before any context is built, where the kernel or sandbox has no io_uring.
 */
class IoUringEngineTest extends AioEngineContractTest {
    @Override
    void assumeAvailable() {
        Requires.ioUring();
    }

    @Override
    AioEngine newEngine(AioContext ctx) {
        return new IoUringEngine(ctx);
    }
}
