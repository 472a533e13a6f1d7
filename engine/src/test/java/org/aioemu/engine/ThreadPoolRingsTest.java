package org.aioemu.engine;

/** {@link ThreadPoolTest} on the rings model. */
class ThreadPoolRingsTest extends ThreadPoolTest {
    @Override
    PoolModel model() {
        return PoolModel.RINGS;
    }
}
