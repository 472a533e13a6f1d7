package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.aioemu.bench.job.JobOptions;
import org.junit.jupiter.api.Test;

/** thinktime as fio 3.33 takes it, on a clock the test drives. */
class PacingTest {
    private static final long MS = 1_000_000L;
    private final IoSlot read = slot();

    private static IoSlot slot() {
        IoSlot s = new IoSlot(0, java.lang.foreign.MemorySegment.NULL, null);
        s.set(JobOptions.READ, 0, 0, 4096);
        return s;
    }

    private static JobOptions think(long thinkMs, int blocks) {
        JobOptions o = new JobOptions();
        o.thinktimeNanos = thinkMs * MS;
        o.thinktimeBlocks = blocks;
        o.given.put("thinktime_blocks", Integer.toString(blocks));
        return o;
    }

    @Test
    void byDefaultCompletionsCountAndThePauseWaitsForTheQueueToDrain() {
        Pacing p = new Pacing(think(10, 2));
        p.reset(0);
        p.issued(read, 0);
        p.issued(read, 0);
        assertEquals(0, p.thinkingUntil(1, 2), "issued requests do not count by default");
        p.completed(2 * MS);
        p.completed(3 * MS);
        assertEquals(-1, p.thinkingUntil(3 * MS, 1), "a pause is owed, but one request is still in flight");
        assertEquals(14 * MS, p.thinkingUntil(4 * MS, 0), "the queue drained at 4 ms: think until 14 ms");
        assertEquals(14 * MS, p.thinkingUntil(10 * MS, 0));
        assertEquals(0, p.thinkingUntil(14 * MS, 0));
        assertTrue(p.takeThinkEnded());
        assertFalse(p.takeThinkEnded());
    }

    @Test
    void issueTypeCountsRequestsAsTheyGoOut() {
        JobOptions o = think(10, 2);
        o.thinktimeOnIssue = true;
        Pacing p = new Pacing(o);
        p.reset(0);
        p.issued(read, 0);
        p.issued(read, 0);
        assertEquals(10 * MS, p.thinkingUntil(0, 0));
    }

    @Test
    void iotimeAloneIgnoresTheBlockCountAndPausesAfterIoTimePlusThinktime() {
        JobOptions o = new JobOptions();
        o.thinktimeNanos = 200 * MS;
        o.thinktimeIoTimeNanos = 300 * MS; // thinktime_blocks not given
        Pacing p = new Pacing(o);
        p.reset(0);
        for (int i = 1; i <= 100; i++) {
            p.completed(i * MS);
            assertEquals(0, p.thinkingUntil(i * MS, 0), "no pause at " + i + " ms");
        }
        p.completed(500 * MS); // fio: since the last pause was decided, iotime + thinktime
        assertEquals(700 * MS, p.thinkingUntil(500 * MS, 0));
    }

    @Test
    void afterAPauseTheRateMakesUpWhatItMissedUnlessItIgnoresThinktime() {
        JobOptions o = new JobOptions();
        o.rateIops[JobOptions.READ] = 1000; // 1 ms per request
        RateLimiter catchUp = new RateLimiter(o);
        catchUp.charge(JobOptions.READ, 4096, 0);
        catchUp.paused(200 * MS);
        // 200 ms later the bucket may lend the whole pause: 200 requests go at once, no delay for any of them.
        int free = 0;
        while (catchUp.delay(JobOptions.READ, 201 * MS) == 0 && free < 1000) {
            catchUp.charge(JobOptions.READ, 4096, 201 * MS);
            free++;
        }
        assertTrue(free >= 199 && free <= 201, "made up " + free + " requests");

        RateLimiter ignore = new RateLimiter(o);
        ignore.charge(JobOptions.READ, 4096, 0);
        ignore.forgive(201 * MS);
        ignore.charge(JobOptions.READ, 4096, 201 * MS);
        assertEquals(MS, ignore.delay(JobOptions.READ, 201 * MS), "no catching up: the next request waits its turn");
    }
}
