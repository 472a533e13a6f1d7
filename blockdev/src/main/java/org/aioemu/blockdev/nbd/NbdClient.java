package org.aioemu.blockdev.nbd;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.DomainSocketAddress;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.aioemu.blockdev.BlockCompletion;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.BottomHalf;
import org.aioemu.engine.Errno;

/**
 * A client of one NBD export, on an {@link AioContext}'s loop: its socket is a Netty channel registered on that
 * loop, so a reply completes its request on the loop with no thread hop, as a {@code BlockBackend}'s engine does.
 * {@link #connect} negotiates (fixed newstyle, {@code NBD_OPT_GO}, falling back to {@code NBD_OPT_EXPORT_NAME});
 * then reads, writes (with FUA, emulated by a flush where the server lacks it), flushes, trims and zero-writes are
 * pipelined, as many in flight as the caller issues, and matched to their simple replies by cookie.
 *
 * <p>Threading: {@link #connect} and {@link #close} on any thread but the loop (they wait for the server); the
 * request methods on the loop only, like {@code BlockBackend}'s callback form: every request completes exactly once,
 * later, on the loop, never inside the call, with bytes (reads and writes) or 0, or a negative errno and a detail.
 * Requests are sent in one batch per loop iteration (a bottom half flushes the socket).
 *
 * <p>Errors: an NBD error reply becomes its errno (EPERM, EIO, ENOMEM, EINVAL, ENOSPC, EOVERFLOW, EOPNOTSUPP,
 * ESHUTDOWN). Refused before anything is sent: a range outside the export or off its minimum block size, or a read or
 * write over its maximum payload (EINVAL), a modification of a read-only export (EROFS), a trim or zero-write the
 * export does not take (EOPNOTSUPP), any request after {@link #close} (ESHUTDOWN). A connection that breaks — the
 * server closing, a reset, a reply that matches no request — fails every request in flight and every later one with
 * EIO and a detail saying what happened. Programming errors (null or read-only buffers, negative offsets) are thrown.
 *
 * <p>Memory: request slots are reused (see {@link NbdSlots}); each request is one pooled direct buffer (header, and a
 * write's data copied in); read data is copied from the socket's buffers into the caller's segment. Buffers belong
 * to the client until their request completes.
 */
public final class NbdClient implements AutoCloseable {
    /** How long {@link #connect} waits for the TCP connection, and again for the handshake. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long {@link #close} waits for requests in flight before it fails them and closes the socket. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger(NbdClient.class.getName());

    private final AioContext ctx;
    private final NbdUri uri;
    private final NbdExport export;
    private final Channel channel;
    private final BottomHalf flusher;
    /** Any thread: set by the first {@link #close}. */
    private volatile boolean closeRequested;

    // --- loop only ---
    private final NbdSlots slots = new NbdSlots(64);
    /** close() reached the loop: new requests fail with ESHUTDOWN. */
    private boolean closing;
    /** The server replied ESHUTDOWN: new requests fail, and the client disconnects once idle (the protocol's rule). */
    private boolean serverShutdown;
    /** NBD_CMD_DISC was sent or the socket closed on purpose. */
    private boolean disconnected;
    /** Why the connection broke, once it has: every request fails with it. */
    private String lostReason;

    private NbdClient(AioContext ctx, NbdUri uri, NbdExport export, Channel channel) {
        this.ctx = ctx;
        this.uri = uri;
        this.export = export;
        this.channel = channel;
        this.flusher = ctx.newBottomHalf(channel::flush);
        channel.pipeline().addLast("nbd-replies", new NbdReplies(this, slots));
    }

    /** Any thread but the loop: connects to the export {@code uri} names. See {@link #connect(AioContext, NbdUri)}. */
    public static NbdClient connect(AioContext ctx, String uri) throws NbdException {
        return connect(ctx, NbdUri.parse(uri));
    }

    /**
     * Any thread but the loop: connects to the export, negotiates, and returns a client whose socket runs on
     * {@code ctx}'s loop. Closing the context closes the client first.
     *
     * @throws NbdException naming the URI when the connection is refused or times out, the server is not a newstyle
     *                      NBD server, has no such export, or refuses it
     */
    public static NbdClient connect(AioContext ctx, NbdUri uri) throws NbdException {
        Objects.requireNonNull(uri, "uri");
        if (ctx.inLoop()) {
            throw new IllegalStateException("NbdClient.connect waits for the server: call it off the loop of " + ctx);
        }
        NbdHandshake handshake = new NbdHandshake(uri);
        Bootstrap b = new Bootstrap().group(ctx.ioEventLoop()).channel(NbdChannels.type(ctx, uri)).handler(handshake)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis());
        if (!uri.isUnix()) {
            b.option(ChannelOption.TCP_NODELAY, true);
        }
        ChannelFuture connected = uri.isUnix() ? b.connect(new DomainSocketAddress(uri.socket().toString()))
                : b.connect(uri.host(), uri.port());
        if (!connected.awaitUninterruptibly(CONNECT_TIMEOUT.toMillis() + 1000)) {
            connected.channel().close();
            throw new NbdException(uri, "no connection to " + uri.address() + " within " + CONNECT_TIMEOUT.toSeconds() + " s", null);
        }
        if (!connected.isSuccess()) {
            Throwable cause = connected.cause();
            throw new NbdException(uri, "cannot connect to " + uri.address() + ": " + NbdChannels.describe(cause), cause);
        }
        Channel channel = connected.channel();
        NbdExport export;
        try {
            export = handshake.result().get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            channel.close();
            throw e.getCause() instanceof NbdException n ? n : new NbdException(uri, "the handshake failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            channel.close();
            throw new NbdException(uri, "no NBD handshake from " + uri.address() + " within " + CONNECT_TIMEOUT.toSeconds()
                    + " s: is it an NBD server?", null);
        } catch (InterruptedException e) {
            channel.close();
            Thread.currentThread().interrupt();
            throw new NbdException(uri, "interrupted during the handshake", e);
        }
        NbdClient client = new NbdClient(ctx, uri, export, channel);
        try {
            ctx.closeWithContext(client);
        } catch (RejectedExecutionException e) {
            channel.close();
            throw new IllegalStateException("the context " + ctx + " is closed", e);
        }
        // The server may have closed between the handshake and now, with no handler yet to see it.
        ctx.execute(() -> {
            if (!channel.isActive()) {
                client.lost("the server closed the connection");
            }
        });
        return client;
    }

    public NbdUri uri() {
        return uri;
    }

    /** What the server said of the export: size, flags, block sizes. */
    public NbdExport export() {
        return export;
    }

    /** The export's size in bytes. */
    public long size() {
        return export.size();
    }

    public AioContext context() {
        return ctx;
    }

    /** Loop only: requests sent and not yet completed. */
    public int inFlight() {
        ctx.assertInLoop();
        return slots.inFlight();
    }

    // --- requests (loop only) -------------------------------------------------------------------------------------

    /** Fills {@code buffer} from {@code offset}; completes with the bytes read (the buffer's size). */
    public void read(long offset, MemorySegment buffer, BlockCompletion c) {
        int length = checkBuffer(offset, buffer, true);
        if (admit(Nbd.CMD_READ, offset, length, c) && nonEmpty(length, c)) {
            NbdSlots.Slot s = slots.acquire(c);
            s.buffer = buffer;
            send(s, Nbd.CMD_READ, 0, offset, length, length, null);
        }
    }

    /** Writes {@code buffer} at {@code offset}; completes with the bytes written. */
    public void write(long offset, MemorySegment buffer, BlockCompletion c) {
        write(offset, buffer, false, c);
    }

    /**
     * Writes {@code buffer} at {@code offset}; with {@code fua}, the write is durable when it completes (the FUA flag,
     * or a flush after the write where the server takes flushes but not FUA).
     */
    public void write(long offset, MemorySegment buffer, boolean fua, BlockCompletion c) {
        int length = checkBuffer(offset, buffer, false);
        if (admit(Nbd.CMD_WRITE, offset, length, c) && nonEmpty(length, c)) {
            NbdSlots.Slot s = slots.acquire(c);
            s.flushAfter = fua && !export.canFua() && export.canFlush();
            send(s, Nbd.CMD_WRITE, fua && export.canFua() ? Nbd.CMD_FLAG_FUA : 0, offset, length, length, buffer);
        }
    }

    /** Makes completed writes durable; completes with 0 (at once where the server has no write cache to flush). */
    public void flush(BlockCompletion c) {
        if (admit(Nbd.CMD_FLUSH, 0, 0, c)) {
            if (!export.canFlush()) {
                later(c, 0, null);
                return;
            }
            send(slots.acquire(c), Nbd.CMD_FLUSH, 0, 0, 0, 0, null);
        }
    }

    /** Discards a range (NBD_CMD_TRIM); completes with 0. */
    public void trim(long offset, long length, BlockCompletion c) {
        checkRange(offset, length);
        if (admit(Nbd.CMD_TRIM, offset, length, c) && nonEmpty(length, c)) {
            send(slots.acquire(c), Nbd.CMD_TRIM, 0, offset, (int) length, 0, null);
        }
    }

    /** Makes a range read back as zeroes (NBD_CMD_WRITE_ZEROES); completes with 0. */
    public void writeZeroes(long offset, long length, BlockCompletion c) {
        writeZeroes(offset, length, false, c);
    }

    /** As {@link #writeZeroes(long, long, BlockCompletion)}, durable on completion with {@code fua}. */
    public void writeZeroes(long offset, long length, boolean fua, BlockCompletion c) {
        checkRange(offset, length);
        if (admit(Nbd.CMD_WRITE_ZEROES, offset, length, c) && nonEmpty(length, c)) {
            NbdSlots.Slot s = slots.acquire(c);
            s.flushAfter = fua && !export.canFua() && export.canFlush();
            send(s, Nbd.CMD_WRITE_ZEROES, fua && export.canFua() ? Nbd.CMD_FLAG_FUA : 0, offset, (int) length, 0, null);
        }
    }

    private static int checkBuffer(long offset, MemorySegment buffer, boolean into) {
        Objects.requireNonNull(buffer, "buffer");
        if (into && buffer.isReadOnly()) {
            throw new IllegalArgumentException("cannot read into a read-only segment");
        }
        if (buffer.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a transfer of " + buffer.byteSize() + " bytes is over 2 GiB: split it");
        }
        checkRange(offset, 0);
        return (int) buffer.byteSize();
    }

    private static void checkRange(long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative " + (offset < 0 ? "offset " + offset : "length " + length));
        }
    }

    /** Loop only: whether a request may be sent; a refused one completes later with its errno and why. */
    private boolean admit(int type, long offset, long length, BlockCompletion c) {
        ctx.assertInLoop();
        Objects.requireNonNull(c, "completion");
        if (lostReason == null && !disconnected && !channel.isActive()) {
            lost("the server closed the connection");
        }
        boolean modifies = type == Nbd.CMD_WRITE || type == Nbd.CMD_TRIM || type == Nbd.CMD_WRITE_ZEROES;
        int errno;
        String why;
        long min = export.minimumBlock();
        if (closing || disconnected) {
            errno = Errno.ESHUTDOWN;
            why = serverShutdown ? "the NBD server shut the connection down" : "the NBD client of " + uri + " is closed";
        } else if (lostReason != null) {
            errno = Errno.EIO;
            why = lostReason;
        } else if (serverShutdown) {
            errno = Errno.ESHUTDOWN;
            why = "the NBD server is shutting down (it replied ESHUTDOWN)";
        } else if (modifies && export.isReadOnly()) {
            errno = Errno.EROFS;
            why = "the NBD export " + uri + " is read-only";
        } else if (offset > export.size() - length) {
            errno = Errno.EINVAL;
            why = "range [" + offset + ", " + (offset + length) + ") is outside the export's " + export.size() + " bytes";
        } else if ((offset | length) % min != 0) {
            errno = Errno.EINVAL;
            why = "offset " + offset + " or length " + length + " is not a multiple of the export's minimum block size, " + min;
        } else if ((type == Nbd.CMD_READ || type == Nbd.CMD_WRITE) && length > export.maximumPayload()) {
            errno = Errno.EINVAL;
            why = "a transfer of " + length + " bytes is over the export's maximum of " + export.maximumPayload() + ": split it";
        } else if (length > Integer.MAX_VALUE) {
            errno = Errno.EINVAL;
            why = "a range of " + length + " bytes is over what one request takes here (2 GiB - 1): split it";
        } else if (type == Nbd.CMD_TRIM && !export.canTrim() || type == Nbd.CMD_WRITE_ZEROES && !export.canWriteZeroes()) {
            errno = Errno.EOPNOTSUPP;
            why = "the NBD export " + uri + " does not take " + Nbd.command(type);
        } else {
            return true;
        }
        later(c, -errno, why);
        return false;
    }

    /** A request of no bytes completes (later) without going to the server. */
    private boolean nonEmpty(long length, BlockCompletion c) {
        if (length == 0) {
            later(c, 0, null);
            return false;
        }
        return true;
    }

    private void later(BlockCompletion c, int result, String detail) {
        ctx.execute(() -> c.complete(result, detail));
    }

    /** Loop only: puts a request on the wire (flushed by the bottom half, once for all sent in this iteration). */
    private void send(NbdSlots.Slot s, int type, int flags, long offset, int length, int result, MemorySegment payload) {
        s.type = type;
        s.offset = offset;
        s.length = length;
        s.result = result;
        int size = Nbd.REQUEST_HEADER + (payload != null ? length : 0);
        ByteBuf b = channel.alloc().directBuffer(size, size);
        b.writeInt(Nbd.REQUEST_MAGIC).writeShort(flags).writeShort(type).writeLong(s.cookie).writeLong(offset).writeInt(length);
        if (payload != null) {
            NbdBytes.write(payload, b, length);
        }
        channel.write(b, channel.voidPromise()); // a failed write reaches NbdReplies.exceptionCaught: the connection breaks
        flusher.schedule();
    }

    // --- replies (loop only, from NbdReplies) ---------------------------------------------------------------------

    /** Loop only: whether the connection broke (no more replies will be read). */
    boolean isBroken() {
        return lostReason != null;
    }

    /** Loop only: slot {@code s}'s reply came (a read's payload already copied): {@code error} is NBD's, 0 on success. */
    void replied(NbdSlots.Slot s, int error) {
        if (error != 0) {
            if (error == Nbd.ESHUTDOWN) {
                serverShutdown = true;
            }
            int errno = Nbd.errno(error);
            complete(s, errno, "the NBD server replied " + Errno.name(errno) + " to " + Nbd.command(s.type) + " of "
                    + s.length + " bytes at " + s.offset);
        } else if (s.flushAfter) {
            s.flushAfter = false; // the write landed; its FUA is a flush, under a new cookie, with the write's result
            slots.renew(s);
            send(s, Nbd.CMD_FLUSH, 0, 0, 0, s.result, null);
        } else {
            complete(s, s.result, null);
        }
    }

    private void complete(NbdSlots.Slot s, int result, String detail) {
        BlockCompletion c = s.completion;
        slots.release(s); // first: the callback may issue the next request into this slot
        if (serverShutdown && slots.inFlight() == 0) {
            disconnect();
        }
        try {
            c.complete(result, detail);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a completion callback of " + this + " threw", e);
        }
    }

    /** Loop only: the connection broke: fail every request in flight with EIO and close the socket. Idempotent. */
    void lost(String reason) {
        if (lostReason != null) {
            return;
        }
        lostReason = "the connection to " + uri + " was lost: " + reason;
        channel.close();
        if (slots.inFlight() > 0) {
            String detail = lostReason + " with the request in flight";
            for (int i = 0; i < slots.capacity(); i++) {
                NbdSlots.Slot s = slots.at(i);
                if (s.completion != null) {
                    complete(s, -Errno.EIO, detail); // a callback's new request is refused (lostReason is set)
                }
            }
        }
    }

    /** Loop only: the soft disconnect: NBD_CMD_DISC, then the socket closes. */
    private void disconnect() {
        if (disconnected) {
            return;
        }
        disconnected = true;
        if (lostReason != null || !channel.isActive()) {
            channel.close();
            return;
        }
        ByteBuf b = channel.alloc().directBuffer(Nbd.REQUEST_HEADER);
        b.writeInt(Nbd.REQUEST_MAGIC).writeShort(0).writeShort(Nbd.CMD_DISC).writeLong(0).writeLong(0).writeInt(0);
        channel.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Any thread but the loop: stops taking requests (later ones fail with ESHUTDOWN), waits for those in flight (up
     * to 30 s, then fails them with EIO), says NBD_CMD_DISC and closes the socket. Idempotent.
     */
    @Override
    public void close() {
        if (closeRequested) {
            return;
        }
        if (ctx.inLoop()) {
            throw new IllegalStateException("NbdClient.close() waits for its requests: call it off the loop of " + ctx);
        }
        closeRequested = true;
        ctx.forgetOnClose(this);
        if (ctx.isClosed()) {
            channel.close().awaitUninterruptibly();
            return;
        }
        try {
            ctx.execute(() -> closing = true);
            boolean drained = ctx.runUntil(() -> closing && slots.inFlight() == 0, CLOSE_TIMEOUT);
            ctx.execute(() -> {
                if (!drained) {
                    lost("closed with " + slots.inFlight() + " requests still in flight after " + CLOSE_TIMEOUT.toSeconds() + " s");
                }
                disconnect();
            });
        } catch (RejectedExecutionException e) {
            channel.close(); // the context closed meanwhile: its loop closed the channel, or will
        }
        channel.closeFuture().awaitUninterruptibly(CLOSE_TIMEOUT.toMillis());
    }

    @Override
    public String toString() {
        return "NbdClient[" + uri + "]";
    }
}
