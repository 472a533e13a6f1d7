package org.aioemu.bench.workload;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Calls the status listener with a fresh {@link StatusLine} once a second, on its own daemon timer thread
 * (the jobs' loops are never asked to format or print). A listener that throws is not called again.
 */
final class StatusTicker implements AutoCloseable {
    private final ScheduledExecutorService timer;

    StatusTicker(StatusLine line, StatusListener listener) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "aioemu-status");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> {
            try {
                listener.status(line.next(System.nanoTime()));
            } catch (RuntimeException e) {
                timer.shutdown();
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
