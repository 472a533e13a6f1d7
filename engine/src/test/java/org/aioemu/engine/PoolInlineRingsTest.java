package org.aioemu.engine;

/** {@link PoolInlineTest} on the rings model. */
class PoolInlineRingsTest extends PoolInlineTest {
    @Override
    PoolModel model() {
        return PoolModel.RINGS;
    }
}
