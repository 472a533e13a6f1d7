package org.aioemu.engine;

/** {@link ThreadPoolStressTest} on the rings model. */
class ThreadPoolStressRingsTest extends ThreadPoolStressTest {
    @Override
    PoolModel model() {
        return PoolModel.RINGS;
    }
}
