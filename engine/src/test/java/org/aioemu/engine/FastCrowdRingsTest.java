package org.aioemu.engine;

/** {@link FastCrowdTest} on the rings model. */
class FastCrowdRingsTest extends FastCrowdTest {
    @Override
    PoolModel model() {
        return PoolModel.RINGS;
    }
}
