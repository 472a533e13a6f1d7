package org.aioemu.engine;

/** {@link PoolInlineTest} on the queue model. */
class PoolInlineQueueTest extends PoolInlineTest {
    @Override
    PoolModel model() {
        return PoolModel.QUEUE;
    }
}
