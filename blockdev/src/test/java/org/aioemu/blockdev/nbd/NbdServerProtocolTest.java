package org.aioemu.blockdev.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.engine.AioContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NBD server against hand-built frames: negotiation, each command, pipelining, and every kind of bad input —
 * an error reply where the protocol has one, a closed connection where it has none, and the other clients served
 * throughout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NbdServerProtocolTest {
    private static final long SIZE = 8 << 20;

    @TempDir
    Path dir;

    private AioContext ctx;
    private BlockBackend disk;
    private NbdServer server;
    private Path image;

    @BeforeEach
    void start() throws Exception {
        ctx = AioContext.create();
        image = dir.resolve("e.raw");
        disk = BlockBackend.create(ctx, image, SIZE, BlockBackendOptions.defaults());
        server = NbdServer.start(disk, NbdServer.Config.defaults().withPort(0).withExportName("e"));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        disk.close();
        ctx.close();
    }

    @Test
    void negotiationListsInfoRefusesAndGoes() throws Exception {
        try (RawNbdClient c = new RawNbdClient(server.port())) {
            assertEquals(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES, c.greet());
            c.option(Nbd.OPT_LIST, new byte[0]);
            RawNbdClient.Reply list = c.reply();
            assertEquals(Nbd.REP_SERVER, list.type());
            assertEquals("e", new String(list.data(), 4, list.data().length - 4, StandardCharsets.UTF_8));
            assertEquals(Nbd.REP_ACK, c.reply().type());
            c.option(42, new byte[] {1, 2, 3});
            RawNbdClient.Reply unsup = c.reply();
            assertEquals(42, unsup.option());
            assertEquals(Nbd.REP_ERR_UNSUP, unsup.type());
            c.option(Nbd.OPT_INFO, RawNbdClient.goData("nope"));
            assertEquals(Nbd.REP_ERR_UNKNOWN, c.reply().type());
            c.option(Nbd.OPT_INFO, new byte[] {0, 0, 0, 99, 0, 0}); // a name length beyond the data
            assertEquals(Nbd.REP_ERR_INVALID, c.reply().type());
            c.option(Nbd.OPT_INFO, RawNbdClient.goData("e", Nbd.INFO_NAME, Nbd.INFO_BLOCK_SIZE));
            boolean export = false;
            boolean name = false;
            boolean sizes = false;
            for (RawNbdClient.Reply r = c.reply(); r.type() != Nbd.REP_ACK; r = c.reply()) {
                ByteBuffer b = ByteBuffer.wrap(r.data());
                switch (b.getShort()) {
                    case Nbd.INFO_EXPORT -> {
                        export = true;
                        assertEquals(SIZE, b.getLong());
                        int flags = b.getShort() & 0xffff;
                        assertTrue((flags & Nbd.FLAG_HAS_FLAGS) != 0 && (flags & Nbd.FLAG_SEND_FLUSH) != 0
                                && (flags & Nbd.FLAG_SEND_TRIM) != 0 && (flags & Nbd.FLAG_READ_ONLY) == 0
                                && (flags & Nbd.FLAG_SEND_FAST_ZERO) != 0, Integer.toHexString(flags));
                    }
                    case Nbd.INFO_NAME -> name = "e".equals(new String(r.data(), 2, r.data().length - 2, StandardCharsets.UTF_8));
                    case Nbd.INFO_BLOCK_SIZE -> sizes = b.getInt() >= 1 && b.getInt() >= 512 && b.getInt() == NbdConnection.MAX_PAYLOAD;
                    default -> {
                    }
                }
            }
            assertTrue(export && name && sizes);
            assertEquals(SIZE, c.go());
            c.request(Nbd.CMD_FLUSH, 0, 7, 0, 0, null);
            assertArrayEquals(new long[] {0, 7}, c.simpleReply());
        }
    }

    @Test
    void pipelinedRequestsEachGetOneReplyAndTheDataReadsBack() throws Exception {
        SplittableRandom rnd = new SplittableRandom(5);
        try (RawNbdClient c = new RawNbdClient(server.port())) {
            c.greet();
            c.go();
            Map<Long, byte[]> written = new HashMap<>();
            for (long cookie = 1; cookie <= 64; cookie++) {
                byte[] data = new byte[1 + rnd.nextInt(70_000)];
                rnd.nextBytes(data);
                written.put(cookie, data);
                c.request(Nbd.CMD_WRITE, cookie % 3 == 0 ? Nbd.CMD_FLAG_FUA : 0, cookie, cookie * 100_000, data.length, data);
            }
            Map<Long, Integer> seen = new HashMap<>();
            for (int i = 0; i < 64; i++) {
                long[] r = c.simpleReply();
                assertEquals(0, r[0], "write " + r[1]);
                seen.merge(r[1], 1, Integer::sum);
            }
            assertEquals(64, seen.size(), "every cookie replied once");
            for (long cookie = 1; cookie <= 64; cookie++) {
                c.request(Nbd.CMD_READ, 0, 1000 + cookie, cookie * 100_000, written.get(cookie).length, null);
            }
            for (int i = 0; i < 64; i++) {
                long[] r = c.simpleReply();
                assertEquals(0, r[0]);
                byte[] back = new byte[written.get(r[1] - 1000).length];
                c.in.readFully(back);
                assertArrayEquals(written.get(r[1] - 1000), back, "read " + r[1]);
            }
            assertEquals(64, server.stats().writeOps());
            assertEquals(64, server.stats().readOps());
            long bytes = written.values().stream().mapToLong(b -> b.length).sum();
            assertEquals(bytes, server.stats().writeBytes());
            assertEquals(bytes, server.stats().readBytes());
            c.request(Nbd.CMD_TRIM, 0, 9, 100_000, 4096, null);
            assertArrayEquals(new long[] {0, 9}, c.simpleReply());
            c.request(Nbd.CMD_WRITE_ZEROES, 0, 10, 200_000, 4096, null);
            assertArrayEquals(new long[] {0, 10}, c.simpleReply());
            c.request(Nbd.CMD_DISC, 0, 11, 0, 0, null);
            assertTrue(c.closedByServer());
        }
        byte[] file = Files.readAllBytes(image);
        assertEquals(0, file[100_000] | file[200_000 + 4095], "trimmed and zeroed ranges read as zeroes");
    }

    /**
     * Large pipelined writes, each arriving over many socket reads, are written from the input buffer itself (a
     * slice of it): the buffer is then neither compacted nor grown under them, so every byte lands as sent, also
     * while later requests keep arriving behind them.
     */
    @Test
    void largePipelinedWritesLandByteForByte() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] model = Files.readAllBytes(image);
        int slot = 1 << 20;
        try (RawNbdClient c = new RawNbdClient(server.port())) {
            c.greet();
            c.go();
            for (int round = 0; round < 6; round++) {
                // One write per MiB of the export, all in flight together: disjoint, so their order does not matter.
                int sent = 0;
                for (int k = 0; k < SIZE / slot; k++) {
                    int len = 1 + rnd.nextInt(slot);
                    long off = (long) k * slot + rnd.nextInt(slot - len + 1);
                    byte[] data = new byte[len];
                    rnd.nextBytes(data);
                    System.arraycopy(data, 0, model, (int) off, len);
                    c.request(Nbd.CMD_WRITE, rnd.nextInt(4) == 0 ? Nbd.CMD_FLAG_FUA : 0, ++sent, off, len, data);
                }
                for (int i = 0; i < sent; i++) {
                    assertEquals(0, c.simpleReply()[0], "seed " + seed);
                }
            }
        }
        assertArrayEquals(model, Files.readAllBytes(image), "seed " + seed);
    }

    /**
     * On tmpfs (no fallocate ZERO_RANGE) a FAST_ZERO write-zeroes can be fast only by punching a hole: with NO_HOLE
     * it gets ENOTSUP and the data stays, without NO_HOLE the range is punched and reads as zeroes.
     */
    @Test
    void fastZeroIsRefusedWithEnotsupWhereOnlyWritingZeroesWouldDo() throws Exception {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no writable tmpfs at /dev/shm");
        Path img = Files.createTempFile(shm, "aioemu-nbd", ".raw");
        Files.write(img, new byte[1 << 20]);
        byte[] ones = new byte[1 << 20];
        java.util.Arrays.fill(ones, (byte) 1);
        Files.write(img, ones);
        try (BlockBackend shmDisk = BlockBackend.open(ctx, img, BlockBackendOptions.defaults());
             NbdServer shmServer = NbdServer.start(shmDisk, NbdServer.Config.defaults().withPort(0));
             RawNbdClient c = new RawNbdClient(shmServer.port())) {
            c.greet();
            c.go();
            c.request(Nbd.CMD_WRITE_ZEROES, Nbd.CMD_FLAG_FAST_ZERO | Nbd.CMD_FLAG_NO_HOLE, 1, 0, 65536, null);
            assertArrayEquals(new long[] {Nbd.ENOTSUP, 1}, c.simpleReply());
            c.request(Nbd.CMD_WRITE_ZEROES, Nbd.CMD_FLAG_FAST_ZERO, 2, 65536, 65536, null);
            assertArrayEquals(new long[] {0, 2}, c.simpleReply());
            c.request(Nbd.CMD_WRITE_ZEROES, Nbd.CMD_FLAG_NO_HOLE | Nbd.CMD_FLAG_FUA, 3, 131072, 65536, null);
            assertArrayEquals(new long[] {0, 3}, c.simpleReply());
            byte[] file = Files.readAllBytes(img);
            for (int i = 0; i < 196608; i++) {
                assertEquals(i < 65536 ? 1 : 0, file[i], "byte " + i);
            }
            assertEquals(1, file[196608]);
        } finally {
            Files.deleteIfExists(img);
        }
    }

    @Test
    void badRequestsGetErrorRepliesAndTheConnectionGoesOn() throws Exception {
        try (RawNbdClient c = new RawNbdClient(server.port())) {
            c.greet();
            c.go();
            c.request(Nbd.CMD_READ, 0, 1, SIZE - 100, 4096, null);
            assertArrayEquals(new long[] {Nbd.EINVAL, 1}, c.simpleReply(), "a read past the end");
            c.request(Nbd.CMD_WRITE, 0, 2, SIZE, 10, new byte[10]);
            assertArrayEquals(new long[] {Nbd.EINVAL, 2}, c.simpleReply(), "a write past the end, its payload skipped");
            c.request(99, 0, 3, 0, 0, null);
            assertArrayEquals(new long[] {Nbd.EINVAL, 3}, c.simpleReply(), "an unknown command");
            c.request(Nbd.CMD_READ, 0, 4, 0, NbdConnection.MAX_PAYLOAD + 1, null);
            assertArrayEquals(new long[] {Nbd.EINVAL, 4}, c.simpleReply(), "a read over the size limit");
            c.request(Nbd.CMD_BLOCK_STATUS, 0, 5, 0, 4096, null);
            assertArrayEquals(new long[] {Nbd.EINVAL, 5}, c.simpleReply(), "block status without a negotiated context");
            c.request(Nbd.CMD_FLUSH, 0, 6, 0, 0, null);
            assertArrayEquals(new long[] {0, 6}, c.simpleReply(), "still served");
        }
    }

    @Test
    void garbageAndDisconnectsCloseTheirConnectionOnlyAndLoseNoWrite() throws Exception {
        try (RawNbdClient good = new RawNbdClient(server.port())) {
            good.greet();
            good.go();
            // Garbage in the handshake.
            try (RawNbdClient bad = new RawNbdClient(server.port())) {
                bad.greet();
                bad.out.write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                bad.out.flush();
                assertTrue(bad.closedByServer());
            }
            // A bad request magic in transmission.
            try (RawNbdClient bad = new RawNbdClient(server.port())) {
                bad.greet();
                bad.go();
                bad.out.writeInt(0xdeadbeef);
                bad.out.write(new byte[24]);
                bad.out.flush();
                assertTrue(bad.closedByServer());
            }
            // A write announcing more payload than allowed.
            try (RawNbdClient bad = new RawNbdClient(server.port())) {
                bad.greet();
                bad.go();
                bad.request(Nbd.CMD_WRITE, 0, 1, 0, 64 << 20, null);
                assertTrue(bad.closedByServer());
            }
            // A whole write then a disconnect before its reply: the write lands whole. A half write: nothing.
            byte[] whole = new byte[65536];
            java.util.Arrays.fill(whole, (byte) 0x5a);
            try (RawNbdClient gone = new RawNbdClient(server.port())) {
                gone.greet();
                gone.go();
                gone.request(Nbd.CMD_WRITE, 0, 1, 1 << 20, whole.length, whole);
                gone.request(Nbd.CMD_WRITE, 0, 2, 2 << 20, whole.length, null);
                gone.out.write(whole, 0, 1000);
                gone.out.flush();
            }
            // The good client is served throughout and sees the whole write, not the half one.
            good.request(Nbd.CMD_FLUSH, 0, 1, 0, 0, null);
            assertArrayEquals(new long[] {0, 1}, good.simpleReply());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            byte[] back = new byte[65536];
            do {
                good.request(Nbd.CMD_READ, 0, 2, 1 << 20, back.length, null);
                assertArrayEquals(new long[] {0, 2}, good.simpleReply());
                good.in.readFully(back);
            } while (back[65535] != 0x5a && System.nanoTime() < deadline);
            assertArrayEquals(whole, back, "the write sent whole before the disconnect landed whole");
            good.request(Nbd.CMD_READ, 0, 3, 2 << 20, 1000, null);
            assertArrayEquals(new long[] {0, 3}, good.simpleReply());
            byte[] half = new byte[1000];
            good.in.readFully(half);
            assertArrayEquals(new byte[1000], half, "a write whose payload never arrived wrote nothing");
        }
    }

    private static byte[] metaData(String export, String... queries) {
        byte[] e = export.getBytes(StandardCharsets.UTF_8);
        int len = 4 + e.length + 4;
        for (String q : queries) {
            len += 4 + q.length();
        }
        ByteBuffer b = ByteBuffer.allocate(len);
        b.putInt(e.length).put(e).putInt(queries.length);
        for (String q : queries) {
            b.putInt(q.length()).put(q.getBytes(StandardCharsets.UTF_8));
        }
        return b.array();
    }

    /** A structured reply chunk: {flags, type, cookie, payload}. */
    private static Object[] chunk(RawNbdClient c) throws Exception {
        assertEquals(Nbd.STRUCTURED_REPLY_MAGIC, c.in.readInt());
        int flags = c.in.readUnsignedShort();
        int type = c.in.readUnsignedShort();
        long cookie = c.in.readLong();
        byte[] payload = new byte[c.in.readInt()];
        c.in.readFully(payload);
        return new Object[] {flags, type, cookie, payload};
    }

    @Test
    void structuredRepliesCarryReadsErrorsAndBaseAllocation() throws Exception {
        byte[] data = new byte[65536];
        java.util.Arrays.fill(data, (byte) 9);
        try (RawNbdClient c = new RawNbdClient(server.port())) {
            c.greet();
            c.option(Nbd.OPT_SET_META_CONTEXT, metaData("e", "base:allocation"));
            assertEquals(Nbd.REP_ERR_INVALID, c.reply().type(), "a set before structured replies");
            c.option(Nbd.OPT_STRUCTURED_REPLY, new byte[0]);
            assertEquals(Nbd.REP_ACK, c.reply().type());
            c.option(Nbd.OPT_LIST_META_CONTEXT, metaData("e"));
            RawNbdClient.Reply listed = c.reply();
            assertEquals(Nbd.REP_META_CONTEXT, listed.type());
            assertEquals("base:allocation", new String(listed.data(), 4, listed.data().length - 4, StandardCharsets.UTF_8));
            assertEquals(Nbd.REP_ACK, c.reply().type());
            c.option(Nbd.OPT_SET_META_CONTEXT, metaData("e", "qemu:dirty-bitmap:x", "base:allocation"));
            RawNbdClient.Reply set = c.reply();
            assertEquals(Nbd.REP_META_CONTEXT, set.type());
            assertEquals(NbdMetaContexts.BASE_ALLOCATION_ID, ByteBuffer.wrap(set.data()).getInt());
            assertEquals(Nbd.REP_ACK, c.reply().type());
            c.option(Nbd.OPT_SET_META_CONTEXT, new byte[] {0, 0, 0, 0, 0, 0, 0, 5}); // 5 queries, none there
            assertEquals(Nbd.REP_ERR_INVALID, c.reply().type());
            c.go();
            c.request(Nbd.CMD_WRITE, 0, 1, 1 << 20, data.length, data);
            assertArrayEquals(new long[] {0, 1}, c.simpleReply(), "other commands may keep simple replies");
            c.request(Nbd.CMD_FLUSH, 0, 2, 0, 0, null);
            c.simpleReply();
            c.request(Nbd.CMD_READ, 0, 3, 1 << 20, 4096, null);
            Object[] read = chunk(c);
            assertEquals(Nbd.REPLY_FLAG_DONE, read[0]);
            assertEquals(Nbd.REPLY_TYPE_OFFSET_DATA, read[1]);
            assertEquals(3L, read[2]);
            ByteBuffer rb = ByteBuffer.wrap((byte[]) read[3]);
            assertEquals(1 << 20, rb.getLong(), "the chunk's offset");
            assertEquals(4096, rb.remaining());
            assertEquals(9, rb.get());
            c.request(Nbd.CMD_READ, 0, 4, SIZE, 4096, null);
            Object[] err = chunk(c);
            assertEquals(Nbd.REPLY_TYPE_ERROR, err[1], "a read error is an error chunk");
            ByteBuffer eb = ByteBuffer.wrap((byte[]) err[3]);
            assertEquals(Nbd.EINVAL, eb.getInt());
            byte[] msg = new byte[eb.getShort()];
            eb.get(msg);
            assertTrue(new String(msg, StandardCharsets.UTF_8).contains("outside"), new String(msg, StandardCharsets.UTF_8));
            c.request(Nbd.CMD_BLOCK_STATUS, 0, 5, 0, (int) SIZE, null);
            Object[] status = chunk(c);
            assertEquals(Nbd.REPLY_TYPE_BLOCK_STATUS, status[1]);
            ByteBuffer sb = ByteBuffer.wrap((byte[]) status[3]);
            assertEquals(NbdMetaContexts.BASE_ALLOCATION_ID, sb.getInt());
            long covered = 0;
            boolean sawData = false;
            while (sb.hasRemaining()) {
                long len = sb.getInt() & 0xffffffffL;
                int flags = sb.getInt();
                if (covered <= (1 << 20) && covered + len > (1 << 20)) {
                    sawData = flags == 0;
                }
                covered += len;
            }
            assertEquals(SIZE, covered, "the extents cover the range");
            assertTrue(sawData, "the written block is data");
            c.request(Nbd.CMD_BLOCK_STATUS, 1 << 3, 6, 0, (int) SIZE, null); // REQ_ONE
            assertEquals(4 + 8, ((byte[]) chunk(c)[3]).length, "one descriptor");
        }
    }

    @Test
    void aReadOnlyExportRefusesModificationsWithEperm() throws Exception {
        try (NbdServer ro = NbdServer.start(disk, NbdServer.Config.defaults().withPort(0).withReadOnly(true));
             RawNbdClient c = new RawNbdClient(ro.port())) {
            c.greet();
            c.go();
            c.request(Nbd.CMD_WRITE, 0, 1, 0, 512, new byte[512]);
            assertArrayEquals(new long[] {Nbd.EPERM, 1}, c.simpleReply());
            c.request(Nbd.CMD_TRIM, 0, 2, 0, 512, null);
            assertArrayEquals(new long[] {Nbd.EPERM, 2}, c.simpleReply());
            c.request(Nbd.CMD_READ, 0, 3, 0, 512, null);
            assertArrayEquals(new long[] {0, 3}, c.simpleReply(), "the write's payload was skipped: the stream is in step");
        }
    }
}
