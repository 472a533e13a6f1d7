package org.aioemu.blockdev;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The storm's counts and its first failures. Failures are recorded, not thrown: most are found on the loop thread,
 * where an AssertionError would end up in a log instead of failing the test. Any thread.
 */
final class StormLedger {
    private static final int KEPT = 20;

    final LongAdder completed = new LongAdder();
    final LongAdder verifiedReads = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final LongAdder refusedClosed = new LongAdder();
    final LongAdder refusedByContext = new LongAdder();
    final LongAdder injectedErrors = new LongAdder();
    final LongAdder backendReopens = new LongAdder();
    final LongAdder poolResizes = new LongAdder();
    /** Set while a context closes: a future may then fail with the context's IllegalStateException. */
    volatile boolean contextClosing;

    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger failureCount = new AtomicInteger();

    void fail(String what) {
        if (failureCount.getAndIncrement() < KEPT) {
            failures.add(what);
        }
    }

    int failureCount() {
        return failureCount.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public String toString() {
        return completed.sum() + " completed (" + verifiedReads.sum() + " reads verified, " + cancelled.sum()
                + " cancelled, " + refusedClosed.sum() + " refused by a closed backend or context, "
                + refusedByContext.sum() + " refused at submission, " + injectedErrors.sum() + " failed by injected EIO), " + backendReopens.sum() + " backend reopens, "
                + poolResizes.sum() + " pool resizes";
    }
}
