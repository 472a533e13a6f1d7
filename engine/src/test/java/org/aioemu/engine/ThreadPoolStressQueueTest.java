package org.aioemu.engine;

/** {@link ThreadPoolStressTest} on the queue model. */
class ThreadPoolStressQueueTest extends ThreadPoolStressTest {
    @Override
    PoolModel model() {
        return PoolModel.QUEUE;
    }
}
