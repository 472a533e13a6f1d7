package org.aioemu.engine;

/** {@link ThreadPoolTest} on the queue model. */
class ThreadPoolQueueTest extends ThreadPoolTest {
    @Override
    PoolModel model() {
        return PoolModel.QUEUE;
    }
}
