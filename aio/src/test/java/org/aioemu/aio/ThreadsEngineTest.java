package org.aioemu.aio;

import org.aioemu.engine.AioContext;

class ThreadsEngineTest extends AioEngineContractTest {
    @Override
    AioEngine newEngine(AioContext ctx) {
        return new ThreadsEngine(ctx);
    }
}
