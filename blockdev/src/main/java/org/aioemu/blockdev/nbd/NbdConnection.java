package org.aioemu.blockdev.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockCompletion;
import org.aioemu.blockdev.RequestFlags;

/**
 * One NBD client: the fixed-newstyle negotiation, then the transmission phase. Bytes from the socket gather in one
 * buffer and are taken a whole message at a time; requests go to the {@link BlockBackend}'s loop form (this handler
 * runs on that loop) and each is replied as it completes, so replies come in completion order.
 *
 * <p>Bad input: a wrong magic, unknown client flags, an option or write payload over the limits close the
 * connection (the protocol allows no reply there); a bad option gets its error reply; a bad request (out of range,
 * unknown command, a write to a read-only export) gets an error reply and the connection goes on. A client that
 * disconnects leaves its requests in flight to complete (a write lands whole); their replies are dropped.
 *
 * <p>Memory is bounded: when the bytes of requests in flight pass {@link #MAX_IN_FLIGHT_BYTES} the socket stops
 * being read until replies drain below half of it. Threading: the loop only.
 */
final class NbdConnection extends ChannelInboundHandlerAdapter {
    /** Largest option payload taken (names and info requests are small). */
    static final int MAX_OPTION = 64 << 10;
    /** Largest read or write one request may carry: 32 MiB, what qemu's and nbdkit's servers allow. */
    static final int MAX_PAYLOAD = 32 << 20;
    /** Bytes of reads and writes in flight before the socket stops being read. */
    static final long MAX_IN_FLIGHT_BYTES = 128L << 20;

    private enum State { CLIENT_FLAGS, OPTIONS, TRANSMISSION, CLOSING }

    private final BlockBackend backend;
    private final NbdServer.Config config;
    private final long size;
    private ChannelHandlerContext ctx;
    private ByteBuf in;
    private State state = State.CLIENT_FLAGS;
    private int inFlight;
    private long inFlightBytes;
    private boolean paused;
    private boolean gone;
    /** A WRITE whose payload is still arriving, taken from the socket's buffers as they come; else null. */
    private NbdPayload collecting;
    /** The options phase, and what it agreed (structured replies, base:allocation) for transmission. */
    private NbdNegotiation negotiation;

    private final NbdStats stats;
    private static final System.Logger LOG = System.getLogger(NbdConnection.class.getName());

    NbdConnection(BlockBackend backend, NbdServer.Config config, NbdStats stats) {
        this.backend = backend;
        this.config = config;
        this.stats = stats;
        this.size = backend.size();
    }

    private boolean readOnly() {
        return config.readOnly() || backend.isReadOnly();
    }

    private int transmissionFlags() {
        int f = Nbd.FLAG_HAS_FLAGS | Nbd.FLAG_SEND_FLUSH | Nbd.FLAG_SEND_FUA | Nbd.FLAG_SEND_CACHE | Nbd.FLAG_CAN_MULTI_CONN;
        if (readOnly()) {
            f |= Nbd.FLAG_READ_ONLY;
        } else {
            f |= Nbd.FLAG_SEND_TRIM | Nbd.FLAG_SEND_WRITE_ZEROES | Nbd.FLAG_SEND_FAST_ZERO;
        }
        return f;
    }

    @Override
    public void channelActive(ChannelHandlerContext c) {
        ctx = c;
        in = c.alloc().buffer(256);
        negotiation = new NbdNegotiation(config, size, transmissionFlags(), backend.requestAlignment());
        ByteBuf hello = c.alloc().buffer(18);
        hello.writeLong(Nbd.NBDMAGIC).writeLong(Nbd.IHAVEOPT).writeShort(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
        c.writeAndFlush(hello);
    }

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        try {
            if (state == State.CLOSING) {
                return;
            }
            if (collecting != null && collecting.take(b)) {
                NbdPayload p = collecting;
                collecting = null;
                writePayload(p);
            }
            if (!b.isReadable()) {
                return;
            }
            if (in.refCnt() > 1 && in.writableBytes() < b.readableBytes()) {
                // Growing would move the buffer's memory from under the payload slices still being written.
                moveInput(in.readableBytes() + b.readableBytes());
            }
            in.writeBytes(b);
        } finally {
            b.release();
        }
        process();
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
        gone = true;
        state = State.CLOSING;
        if (collecting != null) {
            collecting.release();
            collecting = null;
        }
        if (in != null) {
            in.release();
            in = null;
        }
    }

    /**
     * A reset connection or a broken pipe is a client leaving (logged at DEBUG); anything else is a bug in this
     * handler and is logged with its stack trace, naming the client. Either way this client is done.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        boolean ordinary = cause instanceof java.io.IOException;
        LOG.log(ordinary ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
                () -> "NBD client " + c.channel().remoteAddress() + ": closing the connection after " + cause,
                ordinary ? null : cause);
        c.close();
    }

    /** Any thread: stop taking requests, and close once those in flight have completed. */
    void shutdown() {
        ctx.channel().eventLoop().execute(() -> {
            state = State.CLOSING;
            closeWhenIdle();
        });
    }

    private void closeWhenIdle() {
        if (inFlight == 0 && !gone) {
            ctx.close();
        }
    }

    /** Takes whole messages while there are some (and the socket is not paused for back-pressure). */
    private void process() {
        while (in != null && !paused && collecting == null) {
            int before = in.readerIndex();
            boolean took = switch (state) {
                case CLIENT_FLAGS -> step(negotiation.clientFlags(in));
                case OPTIONS -> step(negotiation.option(ctx, in));
                case TRANSMISSION -> request();
                case CLOSING -> false;
            };
            if (!took) {
                if (in != null) {
                    in.readerIndex(before);
                    compactInput();
                }
                return;
            }
        }
    }

    /**
     * Drops the bytes already taken from the input buffer. While a write's payload slice is out (the buffer's
     * reference count above one) moving bytes would overwrite it, so the unread rest goes to a fresh buffer instead,
     * as Netty's cumulators do; the slices keep the old one alive until their writes complete.
     */
    private void compactInput() {
        if (in.refCnt() == 1) {
            in.discardSomeReadBytes();
            return;
        }
        moveInput(in.readableBytes());
    }

    /** The unread input to a fresh buffer of at least {@code capacity} bytes; the old one lives on in its slices. */
    private void moveInput(int capacity) {
        ByteBuf fresh = ctx.alloc().buffer(Math.max(256, capacity));
        fresh.writeBytes(in);
        in.release();
        in = fresh;
    }

    /** Where a negotiation step leaves the connection: false when it needs more input or closes. */
    private boolean step(NbdNegotiation.Step step) {
        switch (step) {
            case MORE -> {
                return false;
            }
            case OPTIONS -> state = State.OPTIONS;
            case TRANSMISSION -> state = State.TRANSMISSION;
            case CLOSE -> {
                return abort();
            }
            default -> { }
        }
        return true;
    }

    /** Closes on input the protocol gives no way to answer. */
    private boolean abort() {
        state = State.CLOSING;
        ctx.close();
        return false;
    }

    // --- transmission --------------------------------------------------------------------------------------------

    private boolean request() {
        if (in.readableBytes() < Nbd.REQUEST_HEADER) {
            return false;
        }
        int at = in.readerIndex();
        if (in.getInt(at) != Nbd.REQUEST_MAGIC) {
            return abort();
        }
        int flags = in.getUnsignedShort(at + 4);
        int type = in.getUnsignedShort(at + 6);
        long cookie = in.getLong(at + 8);
        long offset = in.getLong(at + 16);
        long length = in.getUnsignedInt(at + 24);
        if (type == Nbd.CMD_WRITE) {
            if (length > MAX_PAYLOAD) {
                return abort(); // its payload cannot be skipped safely: the protocol allows closing
            }
            if (in.readableBytes() < Nbd.REQUEST_HEADER + length) {
                if (!writable(offset, length)) {
                    return false; // refused once its payload is all here, which is then skipped
                }
                // The payload comes in the socket's own buffers as they arrive (NbdPayload): no copy to gather it.
                in.skipBytes(Nbd.REQUEST_HEADER);
                collecting = new NbdPayload(ctx.alloc(), cookie, flags, offset, (int) length);
                collecting.take(in);
                return true;
            }
        }
        in.skipBytes(Nbd.REQUEST_HEADER);
        switch (type) {
            case Nbd.CMD_READ -> read(cookie, offset, length);
            case Nbd.CMD_WRITE -> write(cookie, flags, offset, (int) length);
            case Nbd.CMD_DISC -> {
                state = State.CLOSING;
                closeWhenIdle();
                return false;
            }
            case Nbd.CMD_FLUSH -> start(cookie, 0, (c, done) -> backend.flush(done));
            case Nbd.CMD_TRIM -> {
                if (checkWritable(cookie) && checkRange(cookie, offset, length)) {
                    start(cookie, 0, (c, done) -> backend.discard(offset, length, fua(flags), done));
                }
            }
            case Nbd.CMD_WRITE_ZEROES -> {
                if (checkWritable(cookie) && checkRange(cookie, offset, length)) {
                    // NO_HOLE keeps the range allocated; FAST_ZERO fails with ENOTSUP where zeroing means writing.
                    int zeroFlags = fua(flags)
                            | ((flags & Nbd.CMD_FLAG_NO_HOLE) == 0 ? RequestFlags.MAY_UNMAP : 0)
                            | ((flags & Nbd.CMD_FLAG_FAST_ZERO) != 0 ? RequestFlags.NO_FALLBACK : 0);
                    start(cookie, 0, (c, done) -> backend.writeZeroes(offset, length, zeroFlags, done));
                }
            }
            case Nbd.CMD_CACHE -> {
                if (checkRange(cookie, offset, length)) {
                    simpleReply(cookie, 0, null); // the page cache fills on the reads themselves
                }
            }
            case Nbd.CMD_BLOCK_STATUS -> blockStatus(cookie, flags, offset, length);
            default -> errorReply(cookie, Nbd.EINVAL, "unknown command " + type);
        }
        ctx.flush();
        return true;
    }

    /** Whether {@code [offset, offset + length)} lies within the export. */
    private boolean inRange(long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= size - length;
    }

    private boolean checkRange(long cookie, long offset, long length) {
        if (!inRange(offset, length)) {
            errorReply(cookie, Nbd.EINVAL, "range [" + offset + ", " + (offset + length) + ") is outside the export's "
                    + size + " bytes");
            return false;
        }
        return true;
    }

    private void blockStatus(long cookie, int flags, long offset, long length) {
        if (!negotiation.structured() || !negotiation.allocationContext()) {
            errorReply(cookie, Nbd.EINVAL, "no meta context selected for NBD_CMD_BLOCK_STATUS");
            return;
        }
        if (length == 0 || !checkRange(cookie, offset, length)) {
            if (length == 0) {
                errorReply(cookie, Nbd.EINVAL, "NBD_CMD_BLOCK_STATUS of no bytes");
            }
            return;
        }
        ByteBuf descriptors = ctx.alloc().buffer(8 * 16);
        Request r = new Request(cookie, 0, null);
        r.writeReplyData = false;
        r.begin();
        new NbdBlockStatus(backend, offset, length, (flags & Nbd.CMD_FLAG_REQ_ONE) != 0, descriptors, (d, error, detail) -> {
            if (error < 0) {
                d.release();
                r.complete(error, detail);
                return;
            }
            r.completeQuietly();
            if (gone) {
                d.release();
                return;
            }
            ByteBuf h = ctx.alloc().buffer(24);
            h.writeInt(Nbd.STRUCTURED_REPLY_MAGIC).writeShort(Nbd.REPLY_FLAG_DONE).writeShort(Nbd.REPLY_TYPE_BLOCK_STATUS)
                    .writeLong(cookie).writeInt(4 + d.readableBytes()).writeInt(NbdMetaContexts.BASE_ALLOCATION_ID);
            ctx.write(h);
            ctx.write(d);
            r.afterReply();
        }).start();
    }

    /**
     * An error for a request: a structured ERROR chunk with its message once structured replies are negotiated
     * (reads and block status must be answered so then; any command may be), else a simple reply.
     */
    private void errorReply(long cookie, int error, String message) {
        if (!negotiation.structured()) {
            simpleReply(cookie, error, null);
            return;
        }
        if (gone) {
            return;
        }
        byte[] m = message == null ? new byte[0] : message.getBytes(StandardCharsets.UTF_8);
        int len = Math.min(m.length, 4096);
        ByteBuf h = ctx.alloc().buffer(20 + 6 + len);
        h.writeInt(Nbd.STRUCTURED_REPLY_MAGIC).writeShort(Nbd.REPLY_FLAG_DONE).writeShort(Nbd.REPLY_TYPE_ERROR)
                .writeLong(cookie).writeInt(6 + len).writeInt(error).writeShort(len).writeBytes(m, 0, len);
        ctx.write(h);
    }

    private boolean checkWritable(long cookie) {
        if (readOnly()) {
            errorReply(cookie, Nbd.EPERM, "the export is read-only");
            return false;
        }
        return true;
    }

    private void read(long cookie, long offset, long length) {
        if (length > MAX_PAYLOAD) {
            errorReply(cookie, Nbd.EINVAL, "a read of " + length + " bytes is over the " + MAX_PAYLOAD + "-byte limit");
            return;
        }
        if (!checkRange(cookie, offset, length)) {
            return;
        }
        ByteBuf data = ByteBufAllocator.DEFAULT.directBuffer((int) Math.max(1, length));
        MemorySegment seg = MemorySegment.ofBuffer(data.nioBuffer(0, (int) length));
        Request r = new Request(cookie, length, data);
        r.readOffset = offset;
        r.begin();
        if (length == 0) {
            r.complete(0, null);
            return;
        }
        backend.read(offset, seg, r);
    }

    /** Whether a write of this range would be served (it is not refused with EPERM or EINVAL). */
    private boolean writable(long offset, long length) {
        return !readOnly() && inRange(offset, length);
    }

    /** A WRITE whose payload arrived in pieces: one vectored write over them. */
    private void writePayload(NbdPayload p) {
        ByteBuf data = p.buffer();
        MemorySegment[] segs = p.segments();
        long offset = p.offset;
        int flags = fua(p.flags);
        start(p.cookie, p.length, data, (c, done) -> backend.writev(offset, segs, segs.length, flags, done));
    }

    private void write(long cookie, int flags, long offset, int length) {
        if (!checkWritable(cookie) || !checkRange(cookie, offset, length)) {
            in.skipBytes(length);
            return;
        }
        ByteBuf data;
        if (in.isDirect() && length > 0) {
            // The payload is written from where it arrived: a retained slice of the input buffer, which is then
            // never compacted or written over while a slice is out (see compactInput).
            data = in.readRetainedSlice(length);
        } else {
            data = ByteBufAllocator.DEFAULT.directBuffer(Math.max(1, length));
            data.writeBytes(in, length);
        }
        MemorySegment seg = MemorySegment.ofBuffer(data.nioBuffer(0, length));
        start(cookie, length, data, (c, done) -> backend.write(offset, seg, fua(flags), done));
    }

    /** NBD_CMD_FLAG_FUA as the backend's flag: the backend makes the modification durable before it completes. */
    private static int fua(int flags) {
        return (flags & Nbd.CMD_FLAG_FUA) != 0 ? RequestFlags.FUA : RequestFlags.NONE;
    }

    @FunctionalInterface
    private interface Op {
        void run(long cookie, BlockCompletion done);
    }

    private void start(long cookie, long bytes, Op op) {
        start(cookie, bytes, null, op);
    }

    private void start(long cookie, long bytes, ByteBuf buffer, Op op) {
        Request r = new Request(cookie, bytes, buffer);
        r.writeReplyData = false;
        r.begin();
        try {
            op.run(cookie, r);
        } catch (RuntimeException e) {
            r.complete(-Nbd.EINVAL, e.getMessage());
        }
    }

    private void simpleReply(long cookie, int error, ByteBuf data) {
        if (gone) {
            if (data != null) {
                data.release();
            }
            return;
        }
        ByteBuf h = ctx.alloc().buffer(16);
        h.writeInt(Nbd.SIMPLE_REPLY_MAGIC).writeInt(error).writeLong(cookie);
        ctx.write(h);
        if (data != null) {
            ctx.write(data);
        }
    }

    /** One request in flight: its reply is written when it completes, its buffer released then. */
    private final class Request implements BlockCompletion {
        final long cookie;
        final long bytes;
        final ByteBuf buffer;
        boolean writeReplyData = true;
        /** A read's offset, for its structured OFFSET_DATA chunk. */
        long readOffset;

        Request(long cookie, long bytes, ByteBuf buffer) {
            this.cookie = cookie;
            this.bytes = bytes;
            this.buffer = buffer;
        }

        void begin() {
            inFlight++;
            inFlightBytes += bytes;
            if (inFlightBytes > MAX_IN_FLIGHT_BYTES && !paused) {
                paused = true;
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void complete(int result, String detail) {
            completeQuietly();
            if (result >= 0) {
                if (writeReplyData && buffer != null) {
                    stats.read(bytes);
                } else if (buffer != null) {
                    stats.write(bytes);
                } else {
                    stats.other();
                }
            }
            if (result >= 0 && writeReplyData && buffer != null) {
                buffer.writerIndex((int) bytes);
                if (negotiation.structured() && !gone) {
                    ByteBuf h = ctx.alloc().buffer(28);
                    h.writeInt(Nbd.STRUCTURED_REPLY_MAGIC).writeShort(Nbd.REPLY_FLAG_DONE).writeShort(Nbd.REPLY_TYPE_OFFSET_DATA)
                            .writeLong(cookie).writeInt((int) (8 + bytes)).writeLong(readOffset);
                    ctx.write(h);
                    ctx.write(buffer);
                } else {
                    simpleReply(cookie, 0, buffer);
                }
            } else {
                if (buffer != null) {
                    buffer.release();
                }
                if (result >= 0) {
                    simpleReply(cookie, 0, null);
                } else {
                    errorReply(cookie, Nbd.error(result), detail);
                }
            }
            afterReply();
        }

        /** The request is over (its reply is the caller's to write). */
        void completeQuietly() {
            inFlight--;
            inFlightBytes -= bytes;
        }

        /** After a reply: flush, and resume reading or close as the connection's state asks. */
        void afterReply() {
            if (!gone) {
                ctx.flush();
            }
            if (paused && inFlightBytes < MAX_IN_FLIGHT_BYTES / 2) {
                paused = false;
                if (!gone) {
                    ctx.channel().config().setAutoRead(true);
                    process();
                }
            }
            if (state == State.CLOSING) {
                closeWhenIdle();
            }
        }
    }
}
