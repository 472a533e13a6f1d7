package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** closeWithContext: what registered is closed first, newest first, while the loop and the pool still serve it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AioContextCloseWithTest {
    @Test
    void usersCloseFirstNewestFirstWithTheLoopAndPoolStillRunning() {
        AioContext ctx = AioContext.create();
        List<String> order = new ArrayList<>();
        ctx.closeWithContext(() -> order.add("first"));
        ctx.closeWithContext(() -> {
            // A user drains: work it still has on the pool and the loop runs to completion.
            CompletableFuture<Integer> onPool = ctx.threadPool().submitAsync(() -> 42);
            order.add("second drained " + ctx.await(onPool));
        });
        AutoCloseable forgotten = () -> order.add("forgotten");
        ctx.closeWithContext(forgotten);
        ctx.forgetOnClose(forgotten);
        ctx.closeWithContext(() -> {
            throw new IllegalStateException("a user that fails to close");
        });
        ctx.close();
        assertEquals(List.of("second drained 42", "first"), order, "newest first; a failing user does not stop the rest");
        assertThrows(RejectedExecutionException.class, () -> ctx.closeWithContext(() -> { }));
    }
}
