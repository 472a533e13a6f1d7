package org.aioemu.aio;

import org.aioemu.engine.AioContext;

class SyncEngineTest extends AioEngineContractTest {
    @Override
    AioEngine newEngine(AioContext ctx) {
        return new SyncEngine(ctx);
    }
}
