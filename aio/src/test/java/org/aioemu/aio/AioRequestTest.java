package org.aioemu.aio;

import static org.aioemu.aio.TestSupport.segmentOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AioRequestTest {
    @TempDir
    Path dir;

    private FileHandle file;
    private Arena arena;

    @BeforeEach
    void setUp() throws Exception {
        file = FileHandle.open(dir.resolve("r.img"), OpenOptions.readWrite().withCreate());
        arena = Arena.ofConfined();
    }

    @AfterEach
    void tearDown() {
        arena.close();
        file.close();
    }

    @Test
    void prepareSetsTheFieldsOfEachOp() {
        try (AioRequest req = new AioRequest()) {
            assertEquals(AioRequest.DEFAULT_IOV_CAPACITY, req.iovCapacity());
            assertNull(req.op());
            MemorySegment a = arena.allocate(100);
            MemorySegment b = arena.allocate(28);

            req.prepareRead(file, 4096, a, b);
            assertEquals(AioOp.READ, req.op());
            assertSame(file, req.file());
            assertEquals(4096, req.offset());
            assertEquals(128, req.length());
            assertEquals(2, req.iovCount());
            assertSame(b, req.segment(1));
            assertThrows(IndexOutOfBoundsException.class, () -> req.segment(2));

            req.prepareWrite(file, 7, a);
            assertEquals(AioOp.WRITE, req.op());
            assertEquals(100, req.length());
            assertEquals(1, req.iovCount());

            MemorySegment[] mine = {b, a, b};
            req.prepareWrite(file, 0, mine, 2);
            assertEquals(128, req.length());
            assertEquals(2, req.iovCount());

            req.prepareFlush(file, true);
            assertEquals(AioOp.FLUSH, req.op());
            assertEquals(0, req.length());
            assertEquals(0, req.iovCount());
            assertTrue(req.datasyncOnly());
            assertFalse(req.prepareFlush(file, false).datasyncOnly());

            req.prepareDiscard(file, 8192, 4096);
            assertEquals(AioOp.DISCARD, req.op());
            assertEquals(8192, req.offset());
            assertEquals(4096, req.length());

            req.prepareWriteZeroes(file, 1, 2);
            assertEquals(AioOp.WRITE_ZEROES, req.op());
            assertEquals(2, req.length());
        }
    }

    @Test
    void moreSegmentsThanTheCapacityNeedAnExplicitGrow() {
        try (AioRequest req = new AioRequest(2)) {
            MemorySegment[] iov = new MemorySegment[3];
            Arrays.setAll(iov, i -> segmentOf(arena, new byte[] {(byte) i}));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> req.prepareWrite(file, 0, iov));
            assertTrue(e.getMessage().contains("ensureIovCapacity"), e.getMessage());

            req.prepareRead(file, 0, iov[0], iov[1]);
            req.ensureIovCapacity(3);
            assertEquals(3, req.iovCapacity());
            assertSame(iov[1], req.segment(1), "growing keeps the prepared segments");

            assertEquals(3, RawIo.execute(req.prepareWrite(file, 0, iov)));
            MemorySegment back = arena.allocate(3);
            assertEquals(3, RawIo.execute(req.prepareRead(file, 0, back)));
            assertArrayEquals(new byte[] {0, 1, 2}, TestSupport.bytes(back));

            assertThrows(IllegalArgumentException.class, () -> req.ensureIovCapacity(AioRequest.MAX_IOV_CAPACITY + 1));
            assertThrows(IllegalArgumentException.class, () -> new AioRequest(0));
        }
    }

    @Test
    void theMaximumIovCountWorksEndToEnd() {
        try (AioRequest req = new AioRequest(AioRequest.MAX_IOV_CAPACITY)) {
            MemorySegment[] iov = new MemorySegment[AioRequest.MAX_IOV_CAPACITY];
            byte[] expected = new byte[iov.length];
            for (int i = 0; i < iov.length; i++) {
                expected[i] = (byte) (i * 31);
                iov[i] = segmentOf(arena, new byte[] {expected[i]});
            }
            assertEquals(iov.length, RawIo.execute(req.prepareWrite(file, 10, iov)), req.errorDetail());
            MemorySegment back = arena.allocate(iov.length);
            assertEquals(iov.length, RawIo.execute(req.prepareRead(file, 10, back)));
            assertArrayEquals(expected, TestSupport.bytes(back));
        }
    }

    @Test
    void toStringNamesOpOffsetLengthAndPath() {
        try (AioRequest req = new AioRequest()) {
            req.prepareRead(file, 4096, arena.allocate(512), arena.allocate(512));
            assertEquals("AioRequest[READ " + file.path() + " offset=4096 length=1024 iov=2 result=0]", req.toString());
            req.prepareFlush(file, true);
            assertTrue(req.toString().contains("FLUSH") && req.toString().contains("fdatasync"), req.toString());
        }
    }

    @Test
    void resetForgetsTheFileAndBuffers() {
        try (AioRequest req = new AioRequest()) {
            req.prepareWrite(file, 0, arena.allocate(8), arena.allocate(8));
            req.reset();
            assertNull(req.op());
            assertNull(req.file());
            assertEquals(0, req.iovCount());
            assertEquals(0, req.length());
            assertThrows(IllegalStateException.class, () -> RawIo.execute(req));
        }
    }

    @Test
    void closeIsIdempotentAndAClosedRequestCannotBePrepared() {
        AioRequest req = new AioRequest();
        req.close();
        req.close();
        assertThrows(IllegalStateException.class, () -> req.prepareFlush(file, true));
        assertThrows(IllegalStateException.class, () -> req.ensureIovCapacity(32));
    }

    @Test
    void aRequestMayBeExecutedByAnotherThreadThanItsCreator() throws Exception {
        try (AioRequest req = new AioRequest(); Arena shared = Arena.ofShared()) {
            MemorySegment a = segmentOf(shared, new byte[] {1, 2});
            MemorySegment b = segmentOf(shared, new byte[] {3});
            req.prepareWrite(file, 0, a, b);
            int[] result = new int[1];
            Thread worker = new Thread(() -> result[0] = RawIo.execute(req));
            worker.start();
            worker.join();
            assertEquals(3, result[0]);
            assertEquals(3, req.result());
        }
    }
}
