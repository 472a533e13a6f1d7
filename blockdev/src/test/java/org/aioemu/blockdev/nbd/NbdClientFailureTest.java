package org.aioemu.blockdev.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client against a scripted server that misbehaves on purpose: a server that drops the connection with requests
 * in flight, replies with errors, garbage or a cookie nobody sent, only knows NBD_OPT_EXPORT_NAME, speaks oldstyle,
 * or is not an NBD server at all. Nothing hangs: every request completes exactly once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NbdClientFailureTest {
    private static final long SIZE = 1 << 20;
    private static final int FLAGS = Nbd.FLAG_HAS_FLAGS | Nbd.FLAG_SEND_FLUSH | Nbd.FLAG_SEND_TRIM;

    private final Arena arena = Arena.ofShared();
    private final AioContext ctx = AioContext.create();
    private ScriptedNbdServer server;

    @AfterEach
    void stop() throws Exception {
        ctx.close();
        if (server != null) {
            server.close();
        }
        arena.close();
    }

    /** A request's outcome, and how many times it completed. */
    static final class Outcome {
        final CompletableFuture<NbdClientTest.Done> done = new CompletableFuture<>();
        final AtomicInteger times = new AtomicInteger();

        void complete(int result, String detail) {
            times.incrementAndGet();
            done.complete(new NbdClientTest.Done(result, detail));
        }

        NbdClientTest.Done get() throws Exception {
            return done.get(20, TimeUnit.SECONDS);
        }
    }

    private NbdClient connect(ScriptedNbdServer.Greeting greeting, int flags) throws Exception {
        server = new ScriptedNbdServer(greeting, SIZE, flags);
        return NbdClient.connect(ctx, server.uri("disk"));
    }

    @Test
    void aServerThatDropsTheConnectionFailsEveryRequestInFlightAndLaterOnes() throws Exception {
        NbdClient c = connect(ScriptedNbdServer.Greeting.FIXED_NEWSTYLE, FLAGS);
        List<Outcome> outcomes = new ArrayList<>();
        MemorySegment buf = arena.allocate(4096);
        buf.fill((byte) 0x11);
        ctx.execute(() -> {
            for (int i = 0; i < 26; i++) {
                Outcome o = new Outcome();
                outcomes.add(o);
                if (i < 20) {
                    c.read(i * 4096L, arena.allocate(4096), o::complete);
                } else if (i < 25) {
                    c.write(i * 4096L, buf, o::complete);
                } else {
                    c.flush(o::complete);
                }
            }
        });
        List<ScriptedNbdServer.Request> seen = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            seen.add(server.nextRequest());
        }
        byte[] data = new byte[4096];
        java.util.Arrays.fill(data, (byte) 0x77);
        server.reply(seen.get(0).cookie(), 0, data); // one read is answered, with its data
        assertEquals(4096, outcomes.get(0).get().result());
        server.disconnect();
        for (int i = 1; i < 26; i++) {
            NbdClientTest.Done d = outcomes.get(i).get();
            assertEquals(-Errno.EIO, d.result(), "request " + i);
            assertTrue(d.detail().contains("was lost") && d.detail().contains(server.uri("disk")), d.detail());
        }
        Thread.sleep(50);
        for (Outcome o : outcomes) {
            assertEquals(1, o.times.get(), "each request completes exactly once");
        }
        NbdClientTest.Done later = NbdClientTest.call(ctx, done -> c.read(0, arena.allocate(4096), done));
        assertEquals(-Errno.EIO, later.result());
        c.close();
    }

    @Test
    void errorRepliesBecomeErrnosAndEshutdownEndsTheConnectionSoftly() throws Exception {
        NbdClient c = connect(ScriptedNbdServer.Greeting.FIXED_NEWSTYLE, FLAGS);
        MemorySegment buf = arena.allocate(512);
        int[][] cases = {{Nbd.ENOSPC, -Errno.ENOSPC}, {Nbd.EPERM, -Errno.EPERM}, {Nbd.EOVERFLOW, -Errno.EOVERFLOW},
            {Nbd.ENOTSUP, -Errno.EOPNOTSUPP}, {99, -Errno.EIO}};
        for (int[] k : cases) {
            Outcome o = new Outcome();
            ctx.execute(() -> c.write(0, buf, o::complete));
            server.reply(server.nextRequest().cookie(), k[0], null);
            NbdClientTest.Done d = o.get();
            assertEquals(k[1], d.result(), "NBD error " + k[0]);
            assertTrue(d.detail().contains("the NBD server replied " + Errno.name(k[1]) + " to NBD_CMD_WRITE"), d.detail());
        }
        Outcome shutdown = new Outcome();
        ctx.execute(() -> c.flush(shutdown::complete));
        server.reply(server.nextRequest().cookie(), Nbd.ESHUTDOWN, null);
        assertEquals(-Errno.ESHUTDOWN, shutdown.get().result());
        assertEquals(Nbd.CMD_DISC, server.nextRequest().type(), "the client disconnects softly, as the protocol asks");
        assertEquals(-Errno.ESHUTDOWN, NbdClientTest.call(ctx, done -> c.read(0, buf, done)).result());
        c.close();
    }

    @Test
    void aReplyNoRequestAskedForBreaksTheConnection() throws Exception {
        NbdClient c = connect(ScriptedNbdServer.Greeting.FIXED_NEWSTYLE, FLAGS);
        Outcome o = new Outcome();
        ctx.execute(() -> c.read(0, arena.allocate(512), o::complete));
        long cookie = server.nextRequest().cookie();
        server.reply(cookie ^ (1L << 40), 0, null);
        NbdClientTest.Done d = o.get();
        assertEquals(-Errno.EIO, d.result());
        assertTrue(d.detail().contains("protocol error") && d.detail().contains("no request in flight has"), d.detail());
        c.close();
    }

    @Test
    void garbageInTransmissionBreaksTheConnection() throws Exception {
        NbdClient c = connect(ScriptedNbdServer.Greeting.FIXED_NEWSTYLE, FLAGS);
        Outcome o = new Outcome();
        ctx.execute(() -> c.flush(o::complete));
        server.nextRequest();
        server.sendRaw("garbage garbage garbage".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        NbdClientTest.Done d = o.get();
        assertEquals(-Errno.EIO, d.result());
        assertTrue(d.detail().contains("garbage where a reply belongs"), d.detail());
        c.close();
    }

    @Test
    void aServerWithoutOptGoIsReachedThroughExportName() throws Exception {
        NbdClient c = connect(ScriptedNbdServer.Greeting.GO_UNSUPPORTED, FLAGS);
        assertFalse(c.export().optGo());
        assertEquals(SIZE, c.size());
        assertEquals("disk", server.exportNameAsked);
        Outcome o = new Outcome();
        MemorySegment into = arena.allocate(1000);
        ctx.execute(() -> c.read(24, into, o::complete));
        ScriptedNbdServer.Request r = server.nextRequest();
        assertEquals(Nbd.CMD_READ, r.type());
        assertEquals(24, r.offset());
        assertEquals(1000, r.length());
        byte[] data = new byte[1000];
        new java.util.Random(5).nextBytes(data);
        // The reply in two pieces, so the header is gathered and the payload copied as it comes.
        server.sendRaw(java.nio.ByteBuffer.allocate(10).putInt(Nbd.SIMPLE_REPLY_MAGIC).putInt(0).putShort((short) (r.cookie() >>> 48)).array());
        Thread.sleep(20);
        byte[] rest = java.nio.ByteBuffer.allocate(6 + 1000).putShort((short) (r.cookie() >>> 32)).putInt((int) r.cookie()).put(data).array();
        server.sendRaw(java.util.Arrays.copyOfRange(rest, 0, 300));
        Thread.sleep(20);
        server.sendRaw(java.util.Arrays.copyOfRange(rest, 300, rest.length));
        assertEquals(1000, o.get().result());
        assertArrayEquals(data, into.toArray(ValueLayout.JAVA_BYTE));
        c.close();
    }

    @Test
    void fuaWithoutServerSupportIsAWriteThenAFlush() throws Exception {
        NbdClient c = connect(ScriptedNbdServer.Greeting.FIXED_NEWSTYLE, FLAGS);
        assertFalse(c.export().canFua());
        Outcome o = new Outcome();
        ctx.execute(() -> c.write(4096, arena.allocate(4096), true, o::complete));
        ScriptedNbdServer.Request w = server.nextRequest();
        assertEquals(Nbd.CMD_WRITE, w.type());
        assertEquals(0, w.flags() & Nbd.CMD_FLAG_FUA);
        server.reply(w.cookie(), 0, null);
        ScriptedNbdServer.Request f = server.nextRequest();
        assertEquals(Nbd.CMD_FLUSH, f.type());
        assertFalse(o.done.isDone(), "not complete before the flush is");
        server.reply(f.cookie(), 0, null);
        assertEquals(4096, o.get().result());
        // The export takes no write-zeroes: refused here, not sent.
        assertEquals(-Errno.EOPNOTSUPP, NbdClientTest.call(ctx, done -> c.writeZeroes(0, 4096, done)).result());
        c.close();
    }

    @Test
    void anOldstyleServerAndANonNbdServerAreNamedInTheError() throws Exception {
        server = new ScriptedNbdServer(ScriptedNbdServer.Greeting.OLDSTYLE, SIZE, FLAGS);
        NbdException old = assertThrows(NbdException.class, () -> NbdClient.connect(ctx, server.uri("")));
        assertTrue(old.getMessage().contains("oldstyle"), old.getMessage());
        server.close();
        server = new ScriptedNbdServer(ScriptedNbdServer.Greeting.GARBAGE, SIZE, FLAGS);
        NbdException garbage = assertThrows(NbdException.class, () -> NbdClient.connect(ctx, server.uri("x")));
        assertTrue(garbage.getMessage().startsWith(server.uri("x") + ": not an NBD server")
                && garbage.getMessage().contains("HTTP/1.1"), garbage.getMessage());
    }
}
