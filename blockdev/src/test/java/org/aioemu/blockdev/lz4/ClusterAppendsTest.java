package org.aioemu.blockdev.lz4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.aioemu.blockdev.BlockCompletion;
import org.aioemu.blockdev.BlockDriver;
import org.aioemu.engine.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stored clusters' writes to the child: one child request at a time, contiguous queued writes together in one
 * vectored write, every write completed exactly once with its own length (or the child's error), only after the child
 * has its bytes, and the bytes where they were asked to go. The child here is a byte array whose requests complete
 * when the test says.
 */
class ClusterAppendsTest {
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    /** A child that keeps its bytes in an array and holds each request until {@link #completeNext} is called. */
    static final class HeldChild implements BlockDriver {
        record Request(long offset, MemorySegment[] iov, int count, BlockCompletion completion) {
            long length() {
                long n = 0;
                for (int i = 0; i < count; i++) {
                    n += iov[i].byteSize();
                }
                return n;
            }
        }

        byte[] bytes;
        final ArrayDeque<Request> held = new ArrayDeque<>();
        final List<Integer> batchSizes = new ArrayList<>();
        int maxHeld;
        int failNext; // a negative errno for the next completed request, or 0

        HeldChild(int size) {
            bytes = new byte[size];
        }

        @Override
        public String format() {
            return "held";
        }

        @Override
        public String description() {
            return "a held child";
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public int requestAlignment() {
            return 1;
        }

        @Override
        public void read(long offset, MemorySegment buffer, BlockCompletion completion) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void readv(long offset, MemorySegment[] iov, int count, BlockCompletion completion) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void write(long offset, MemorySegment buffer, int flags, BlockCompletion completion) {
            writev(offset, new MemorySegment[] {buffer}, 1, flags, completion);
        }

        @Override
        public void writev(long offset, MemorySegment[] iov, int count, int flags, BlockCompletion completion) {
            // The contract: the array is not kept, so copy the references as a real driver copies the iovecs.
            held.add(new Request(offset, java.util.Arrays.copyOf(iov, count), count, completion));
            batchSizes.add(count);
            maxHeld = Math.max(maxHeld, held.size());
        }

        /** Completes the oldest held request: its bytes land in the array first, unless it is failed. */
        void completeNext() {
            Request r = held.poll();
            int fail = failNext;
            failNext = 0;
            if (fail < 0) {
                r.completion.complete(fail, "injected");
                return;
            }
            long at = r.offset;
            for (int i = 0; i < r.count; i++) {
                byte[] b = r.iov[i].toArray(ValueLayout.JAVA_BYTE);
                System.arraycopy(b, 0, bytes, (int) at, b.length);
                at += b.length;
            }
            r.completion.complete((int) r.length(), null);
        }

        @Override
        public void flush(BlockCompletion completion) {
            completion.complete(0, null);
        }

        @Override
        public void syncRange(long offset, long length, int flags, BlockCompletion completion) {
            completion.complete(0, null);
        }

        @Override
        public void discard(long offset, long length, int flags, BlockCompletion completion) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void writeZeroes(long offset, long length, int flags, BlockCompletion completion) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void resize(long newSize, BlockCompletion completion) {
            bytes = java.util.Arrays.copyOf(bytes, (int) newSize);
            completion.complete(0, null);
        }

        @Override
        public int inFlight() {
            return held.size();
        }

        @Override
        public void close() {
        }
    }

    private MemorySegment filled(int length, byte value) {
        MemorySegment s = arena.allocate(length);
        s.fill(value);
        return s;
    }

    @Test
    void writesQueuedBehindOneGoOutTogetherWhenContiguousAndEachCompletesWithItsLength() {
        HeldChild child = new HeldChild(1 << 20);
        ClusterAppends appends = new ClusterAppends(new ChildGrowth(child));
        List<String> completed = new ArrayList<>();
        appends.write(0, filled(100, (byte) 1), (r, why) -> completed.add("a" + r));
        appends.write(100, filled(200, (byte) 2), (r, why) -> completed.add("b" + r));
        appends.write(300, filled(50, (byte) 3), (r, why) -> completed.add("c" + r));
        appends.write(1000, filled(10, (byte) 4), (r, why) -> completed.add("d" + r)); // not contiguous
        assertEquals(1, child.held.size(), "one child request at a time");
        assertEquals(List.of(), completed, "nothing completes before the child has its bytes");
        child.completeNext();
        assertEquals(List.of("a100"), completed);
        assertEquals(List.of(1, 2), child.batchSizes, "b and c together, d apart");
        child.completeNext();
        assertEquals(List.of("a100", "b200", "c50"), completed);
        child.completeNext();
        assertEquals(List.of("a100", "b200", "c50", "d10"), completed);
        assertEquals(1, child.maxHeld);
        assertEquals(3, appends.batches());
        assertEquals(4, appends.writes());
        assertEquals(1, child.bytes[99]);
        assertEquals(2, child.bytes[100]);
        assertEquals(3, child.bytes[349]);
        assertEquals(0, child.bytes[350]);
        assertEquals(4, child.bytes[1009]);
    }

    @Test
    void aFailedBatchFailsEachOfItsWritesWithTheChildsErrorAndTheNextStillGoesOut() {
        HeldChild child = new HeldChild(1 << 20);
        ClusterAppends appends = new ClusterAppends(new ChildGrowth(child));
        int[] results = new int[4];
        for (int i = 0; i < 4; i++) {
            int at = i;
            appends.write(i * 10L, filled(10, (byte) 9), (r, why) -> results[at] = r == 0 ? 1 : r);
        }
        child.completeNext(); // the first alone
        child.failNext = -Errno.ENOSPC;
        child.completeNext(); // the other three, failed together
        assertArrayEquals(new int[] {10, -Errno.ENOSPC, -Errno.ENOSPC, -Errno.ENOSPC}, results);
        appends.write(40, filled(10, (byte) 7), (r, why) -> results[0] = r);
        assertEquals(1, child.held.size(), "a failure does not stop later writes");
        child.completeNext();
        assertEquals(10, results[0]);
    }

    @Test
    void aWriteQueuedByACompletionWaitsItsTurn() {
        HeldChild child = new HeldChild(1 << 20);
        ClusterAppends appends = new ClusterAppends(new ChildGrowth(child));
        List<Integer> done = new ArrayList<>();
        appends.write(0, filled(10, (byte) 1), (r, why) -> {
            done.add(0);
            appends.write(10, filled(10, (byte) 2), (r2, why2) -> done.add(2));
            assertTrue(child.held.size() <= 1, "still one request at a time");
        });
        appends.write(50, filled(10, (byte) 3), (r, why) -> done.add(1));
        child.completeNext();
        assertEquals(List.of(0), done);
        assertEquals(1, child.held.size());
        child.completeNext(); // the write at 50
        child.completeNext(); // the one queued from the completion
        assertEquals(List.of(0, 1, 2), done);
        assertEquals(1, child.maxHeld);
        assertEquals(2, child.bytes[19]);
    }

    @Test
    void writesPastTheChildsEndWaitForItToGrow() {
        HeldChild child = new HeldChild(0);
        ClusterAppends appends = new ClusterAppends(new ChildGrowth(child));
        int[] r = {Integer.MIN_VALUE, Integer.MIN_VALUE};
        appends.write(0, filled(4096, (byte) 5), (res, why) -> r[0] = res);
        appends.write(4096, filled(4096, (byte) 6), (res, why) -> r[1] = res);
        assertTrue(child.bytes.length >= 4096, "grown ahead of the first write");
        child.completeNext();
        child.completeNext();
        assertArrayEquals(new int[] {4096, 4096}, r);
        assertEquals(6, child.bytes[8191]);
    }

    /**
     * Many randomized runs: writes at random offsets, often appends, queued in random bursts while the child completes
     * at random moments; every write completes exactly once, after the child has it, no more than one child request is
     * ever out, batches never exceed their bounds, and the child ends with exactly the bytes of the model.
     */
    @Test
    void randomizedWritesEachCompleteOnceAndLeaveTheModelsBytes() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int run = 0; run < 300; run++) {
            int size = 1 << 16;
            HeldChild child = new HeldChild(size);
            ClusterAppends appends = new ClusterAppends(new ChildGrowth(child));
            byte[] model = new byte[size];
            int n = 1 + rnd.nextInt(200);
            int[] completions = new int[n];
            long append = 0;
            int issued = 0;
            while (issued < n || !child.held.isEmpty()) {
                if (issued < n && (child.held.isEmpty() || rnd.nextInt(3) > 0)) {
                    int len = 1 + rnd.nextInt(300);
                    long at = rnd.nextInt(4) > 0 && append + len <= size ? append : rnd.nextInt(size - len);
                    append = at + len;
                    byte value = (byte) (issued + 1);
                    // Later writes to the same bytes win, as in the model: the queue keeps the order writes came in.
                    java.util.Arrays.fill(model, (int) at, (int) at + len, value);
                    int id = issued++;
                    MemorySegment buf = filled(len, value);
                    appends.write(at, buf, (r, why) -> {
                        completions[id]++;
                        assertEquals(len, r, "write " + id);
                        // One child request at a time, in order, and a batch is contiguous: nothing later can have
                        // landed over these bytes yet, so they are this write's own, or it completed too early.
                        for (int i = (int) at; i < at + len; i++) {
                            assertEquals(value, child.bytes[i], "write " + id + " completed before its bytes were there");
                        }
                    });
                } else {
                    child.completeNext();
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(1, completions[i], "run " + run + ", write " + i + " completions");
            }
            assertEquals(1, child.maxHeld, "run " + run);
            for (int b : child.batchSizes) {
                assertTrue(b >= 1 && b <= ClusterAppends.MAX_BATCH, "batch of " + b);
            }
            assertArrayEquals(model, java.util.Arrays.copyOf(child.bytes, size), "run " + run);
        }
    }
}
