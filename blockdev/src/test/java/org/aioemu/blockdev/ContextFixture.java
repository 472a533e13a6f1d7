package org.aioemu.blockdev;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import org.aioemu.engine.AioContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the backend tests each start from: a fresh {@link AioContext}, a shared arena for I/O buffers (any thread may
 * use them) and a temporary directory for images; the context and arena are closed after each test.
 */
abstract class ContextFixture {
    @TempDir
    Path dir;

    AioContext ctx;
    Arena arena;

    @BeforeEach
    final void startContext() {
        ctx = AioContext.create();
        arena = Arena.ofShared();
    }

    @AfterEach
    final void stopContext() {
        ctx.close();
        arena.close();
    }
}
