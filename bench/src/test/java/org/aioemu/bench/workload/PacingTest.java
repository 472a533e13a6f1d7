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

    @Test
    void syncFileRangeCoversEachFilesWritesSinceItsLastOne() {
        JobOptions o = new JobOptions();
        o.syncFileRange = 3;
        o.syncFileRangeFlags = 2;
        Pacing p = new Pacing(o);
        p.reset(0);
        IoSlot w = new IoSlot(0, java.lang.foreign.MemorySegment.NULL, null);
        IoSlot sync = new IoSlot(1, java.lang.foreign.MemorySegment.NULL, null);
        long[][] writes = {{0, 20480}, {1, 0}, {0, 4096}}; // {file, offset}, 4 KiB each
        for (long[] x : writes) {
            assertFalse(p.syncDue());
            w.set(JobOptions.WRITE, (int) x[0], x[1], 4096);
            p.issued(w, 0);
        }
        assertTrue(p.syncDue(), "after the third write");
        p.takeSync(sync);
        assertEquals(IoSlot.SYNC, sync.ddir);
        assertEquals(0, sync.file, "the file the third write went to");
        assertEquals(4096, sync.offset, "its lowest offset written since the last one");
        assertEquals(20480, sync.syncRangeLength, "to its highest end: [4096, 24576)");
        assertEquals(2, sync.syncRangeFlags);
        p.syncDone();
        for (long off : new long[] {65536, 8192, 1 << 20}) {
            w.set(JobOptions.WRITE, 1, off, 4096);
            p.issued(w, 0);
        }
        p.takeSync(sync);
        assertEquals(1, sync.file);
        assertEquals(0, sync.offset, "file 1's first write, before the last sync of file 0, still counts");
        assertEquals((1 << 20) + 4096, sync.syncRangeLength);
        p.syncDone();
        w.set(JobOptions.WRITE, 1, 12288, 4096);
        p.issued(w, 0);
        w.set(JobOptions.WRITE, 1, 16384, 4096);
        p.issued(w, 0);
        w.set(JobOptions.WRITE, 1, 20480, 4096);
        p.issued(w, 0);
        p.takeSync(sync);
        assertEquals(12288, sync.offset, "the range started again after the last sync of the file");
        assertEquals(12288, sync.syncRangeLength);
        sync.set(JobOptions.READ, 0, 0, 4096);
        assertEquals(0, sync.syncRangeFlags, "a slot reused for another op is no range sync");
    }
}
