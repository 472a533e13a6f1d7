package org.aioemu.engine;

/** {@link ThreadPoolRecyclingTest} on the rings model. */
class ThreadPoolRecyclingRingsTest extends ThreadPoolRecyclingTest {
    @Override
    PoolModel model() {
        return PoolModel.RINGS;
    }
}
