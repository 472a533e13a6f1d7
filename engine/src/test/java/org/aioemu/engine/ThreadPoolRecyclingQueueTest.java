package org.aioemu.engine;

/** {@link ThreadPoolRecyclingTest} on the queue model. */
class ThreadPoolRecyclingQueueTest extends ThreadPoolRecyclingTest {
    @Override
    PoolModel model() {
        return PoolModel.QUEUE;
    }
}
