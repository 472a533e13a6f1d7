package org.aioemu.engine;

/** {@link FastCrowdTest} on the queue model. */
class FastCrowdQueueTest extends FastCrowdTest {
    @Override
    PoolModel model() {
        return PoolModel.QUEUE;
    }
}
