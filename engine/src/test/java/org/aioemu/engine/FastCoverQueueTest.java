package org.aioemu.engine;

/** {@link FastCoverTest} on the queue model. */
class FastCoverQueueTest extends FastCoverTest {
    @Override
    PoolModel model() {
        return PoolModel.QUEUE;
    }
}
