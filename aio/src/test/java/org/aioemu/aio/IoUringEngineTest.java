package org.aioemu.aio;

import io.netty.channel.uring.IoUring;
import org.aioemu.engine.AioContext;
import org.junit.jupiter.api.Assumptions;

/** The shared engine contract on io_uring; skipped where the kernel or sandbox has no io_uring. */
class IoUringEngineTest extends AioEngineContractTest {
    @Override
    AioEngine newEngine(AioContext ctx) {
        Assumptions.assumeTrue(IoUring.isAvailable(), "io_uring is not available here");
        return new IoUringEngine(ctx);
    }
}
