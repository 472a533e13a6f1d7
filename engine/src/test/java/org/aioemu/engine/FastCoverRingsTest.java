package org.aioemu.engine;

/** {@link FastCoverTest} on the rings model. */
class FastCoverRingsTest extends FastCoverTest {
    @Override
    PoolModel model() {
        return PoolModel.RINGS;
    }
}
