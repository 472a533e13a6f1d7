package org.aioemu.bench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.aioemu.bench.job.JobOptions;
import org.junit.jupiter.api.Test;

/** dedupe_percentage and its modes: the share of written blocks that repeat an earlier one, as fio makes them. */
class DedupeTest {
    private static final int BS = 4096;

    @Test
    void repeatModeCopiesThePreviousNewBufferAtTheGivenRate() {
        for (int pct : new int[] {0, 25, 50, 90, 100}) {
            List<ByteBuffer> blocks = write(options(pct, false, 0, false, 0, 1), 2000);
            double dup = duplicateShare(blocks);
            double expected = pct == 100 ? 1999 / 2000.0 : pct / 100.0; // the very first buffer is always new
            assertEquals(expected, dup, 0.04, pct + "%: duplicates " + dup);
            if (pct > 0 && pct < 100) {
                // A copy repeats the last new buffer: every duplicate equals its nearest earlier distinct block.
                ByteBuffer lastNew = blocks.getFirst();
                Set<ByteBuffer> seen = new HashSet<>();
                for (ByteBuffer b : blocks) {
                    if (!seen.add(b)) {
                        assertEquals(lastNew, b, "a repeat that is not the previous new buffer");
                    } else {
                        lastNew = b;
                    }
                }
            }
        }
    }

    @Test
    void workingSetCopiesComeFromTheJobsFirstNewBuffers() {
        // size 8 MiB, 5 %: a working set of the first 102 new buffers.
        List<ByteBuffer> blocks = write(options(60, true, 5, false, 0, 1), 2000);
        Set<ByteBuffer> firstNew = new HashSet<>();
        Set<ByteBuffer> seen = new HashSet<>();
        for (ByteBuffer b : blocks) {
            if (seen.add(b) && firstNew.size() < 102) {
                firstNew.add(b);
            }
        }
        int copies = 0;
        Set<ByteBuffer> all = new HashSet<>();
        for (ByteBuffer b : blocks) {
            if (!all.add(b)) {
                copies++;
                assertTrue(firstNew.contains(b), "a copy from outside the working set");
            }
        }
        assertEquals(0.60, copies / 2000.0, 0.05, "copies " + copies);
    }

    @Test
    void aGlobalWorkingSetMakesJobsCopyEachOthersBlocks() {
        List<ByteBuffer> a = write(options(50, true, 50, true, 0, 2), 1000);
        List<ByteBuffer> b = write(options(50, true, 50, true, 1, 2), 1000);
        Set<ByteBuffer> inA = new HashSet<>(a);
        long shared = b.stream().filter(inA::contains).count();
        assertTrue(shared > 100, "job b repeats only " + shared + " of job a's blocks");
        Set<ByteBuffer> localA = new HashSet<>(write(options(50, true, 50, false, 0, 2), 1000));
        List<ByteBuffer> localB = write(options(50, true, 50, false, 1, 2), 1000);
        assertEquals(0, localB.stream().filter(localA::contains).count(), "without dedupe_global the jobs share nothing");
    }

    private static JobOptions options(int pct, boolean workingSet, int wsPct, boolean global, int index, int jobs) {
        JobOptions o = new JobOptions();
        o.dedupePercentage = pct;
        o.dedupeWorkingSet = workingSet;
        o.dedupeWorkingSetPercentage = wsPct;
        o.dedupeGlobal = global;
        o.size = 8 << 20;
        o.index = index;
        o.jobsInRun = jobs;
        return o;
    }

    private static List<ByteBuffer> write(JobOptions o, int n) {
        BufferFiller f = new BufferFiller(o, 42);
        List<ByteBuffer> out = new ArrayList<>(n);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(BS);
            f.fill(buf, BS);
            out.add(ByteBuffer.wrap(buf.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
            for (int i = 1; i < n; i++) {
                f.refill(buf, BS);
                out.add(ByteBuffer.wrap(buf.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
            }
        }
        return out;
    }

    private static double duplicateShare(List<ByteBuffer> blocks) {
        return (blocks.size() - new HashSet<>(blocks).size()) / (double) blocks.size();
    }
}
