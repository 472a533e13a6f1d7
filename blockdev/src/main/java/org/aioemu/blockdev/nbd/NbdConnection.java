package org.aioemu.blockdev.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockCompletion;

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
    private boolean noZeroes;
    private int inFlight;
    private long inFlightBytes;
    private boolean paused;
    private boolean gone;

    NbdConnection(BlockBackend backend, NbdServer.Config config) {
        this.backend = backend;
        this.config = config;
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
            f |= Nbd.FLAG_SEND_TRIM | Nbd.FLAG_SEND_WRITE_ZEROES;
        }
        return f;
    }

    @Override
    public void channelActive(ChannelHandlerContext c) {
        ctx = c;
        in = c.alloc().buffer(256);
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
        if (in != null) {
            in.release();
            in = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        c.close(); // a reset connection, or a bug: either way this client is done
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
        while (in != null && !paused) {
            int before = in.readerIndex();
            boolean took = switch (state) {
                case CLIENT_FLAGS -> clientFlags();
                case OPTIONS -> option();
                case TRANSMISSION -> request();
                case CLOSING -> false;
            };
            if (!took) {
                if (in != null) {
                    in.readerIndex(before);
                    in.discardSomeReadBytes();
                }
                return;
            }
        }
    }

    // --- negotiation ---------------------------------------------------------------------------------------------

    private boolean clientFlags() {
        if (in.readableBytes() < 4) {
            return false;
        }
        int flags = in.readInt();
        if ((flags & ~(Nbd.CLIENT_FLAG_FIXED_NEWSTYLE | Nbd.CLIENT_FLAG_NO_ZEROES)) != 0) {
            return abort(); // unknown client flags: the protocol says to close
        }
        noZeroes = (flags & Nbd.CLIENT_FLAG_NO_ZEROES) != 0;
        state = State.OPTIONS;
        return true;
    }

    private boolean option() {
        if (in.readableBytes() < 16) {
            return false;
        }
        long magic = in.getLong(in.readerIndex());
        int option = in.getInt(in.readerIndex() + 8);
        long length = in.getUnsignedInt(in.readerIndex() + 12);
        if (magic != Nbd.IHAVEOPT || length > MAX_OPTION) {
            return abort();
        }
        if (in.readableBytes() < 16 + length) {
            return false;
        }
        in.skipBytes(16);
        ByteBuf data = in.readSlice((int) length);
        switch (option) {
            case Nbd.OPT_EXPORT_NAME -> exportName(data);
            case Nbd.OPT_ABORT -> {
                optionReply(option, Nbd.REP_ACK, null);
                state = State.CLOSING;
                ctx.close();
            }
            case Nbd.OPT_LIST -> {
                if (length != 0) {
                    optionError(option, Nbd.REP_ERR_INVALID, "NBD_OPT_LIST takes no data");
                } else {
                    byte[] name = config.exportName().getBytes(StandardCharsets.UTF_8);
                    ByteBuf r = ctx.alloc().buffer(4 + name.length);
                    r.writeInt(name.length).writeBytes(name);
                    optionReply(option, Nbd.REP_SERVER, r);
                    optionReply(option, Nbd.REP_ACK, null);
                }
            }
            case Nbd.OPT_INFO, Nbd.OPT_GO -> infoOrGo(option, data);
            default -> optionError(option, Nbd.REP_ERR_UNSUP, "option " + option + " is not supported by this server");
        }
        ctx.flush();
        return state != State.CLOSING;
    }

    /** NBD_OPT_EXPORT_NAME: no reply on failure but a closed connection; on success the export's size and flags. */
    private void exportName(ByteBuf data) {
        String name = data.toString(StandardCharsets.UTF_8);
        if (!name.equals(config.exportName()) && !name.isEmpty()) {
            state = State.CLOSING;
            ctx.close();
            return;
        }
        ByteBuf r = ctx.alloc().buffer(10 + 124);
        r.writeLong(size).writeShort(transmissionFlags());
        if (!noZeroes) {
            r.writeZero(124);
        }
        ctx.write(r);
        state = State.TRANSMISSION;
    }

    private void infoOrGo(int option, ByteBuf data) {
        if (data.readableBytes() < 6) {
            optionError(option, Nbd.REP_ERR_INVALID, "option data too short");
            return;
        }
        long nameLength = data.readUnsignedInt();
        if (nameLength > data.readableBytes() - 2) {
            optionError(option, Nbd.REP_ERR_INVALID, "export name length " + nameLength + " beyond the option's data");
            return;
        }
        String name = data.readCharSequence((int) nameLength, StandardCharsets.UTF_8).toString();
        int requests = data.readUnsignedShort();
        if (data.readableBytes() != 2 * requests) {
            optionError(option, Nbd.REP_ERR_INVALID, requests + " information requests do not fit the option's data");
            return;
        }
        boolean wantName = false;
        boolean wantBlockSize = false;
        for (int i = 0; i < requests; i++) {
            int info = data.readUnsignedShort();
            wantName |= info == Nbd.INFO_NAME;
            wantBlockSize |= info == Nbd.INFO_BLOCK_SIZE;
        }
        if (!name.equals(config.exportName()) && !name.isEmpty()) {
            optionError(option, Nbd.REP_ERR_UNKNOWN, "no export named '" + name + "'");
            return;
        }
        ByteBuf export = ctx.alloc().buffer(12);
        export.writeShort(Nbd.INFO_EXPORT).writeLong(size).writeShort(transmissionFlags());
        optionReply(option, Nbd.REP_INFO, export);
        if (wantName) {
            byte[] n = config.exportName().getBytes(StandardCharsets.UTF_8);
            ByteBuf r = ctx.alloc().buffer(2 + n.length);
            r.writeShort(Nbd.INFO_NAME).writeBytes(n);
            optionReply(option, Nbd.REP_INFO, r);
        }
        // Block sizes, always (a client that did not ask may ignore them): the image's alignment, a page, 32 MiB.
        ByteBuf sizes = ctx.alloc().buffer(14);
        int min = Math.max(1, backend.requestAlignment());
        sizes.writeShort(Nbd.INFO_BLOCK_SIZE).writeInt(min).writeInt(Math.max(min, 4096)).writeInt(MAX_PAYLOAD);
        if (wantBlockSize || min > 1) {
            optionReply(option, Nbd.REP_INFO, sizes);
        } else {
            sizes.release();
        }
        optionReply(option, Nbd.REP_ACK, null);
        if (option == Nbd.OPT_GO) {
            state = State.TRANSMISSION;
        }
    }

    private void optionReply(int option, int type, ByteBuf data) {
        ByteBuf h = ctx.alloc().buffer(20);
        h.writeLong(Nbd.OPTION_REPLY_MAGIC).writeInt(option).writeInt(type).writeInt(data == null ? 0 : data.readableBytes());
        ctx.write(h);
        if (data != null) {
            ctx.write(data);
        }
    }

    private void optionError(int option, int type, String message) {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        optionReply(option, type, ctx.alloc().buffer(m.length).writeBytes(m));
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
                return false;
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
                    start(cookie, 0, fua(flags, (c, done) -> backend.discard(offset, length, done)));
                }
            }
            case Nbd.CMD_WRITE_ZEROES -> {
                if ((flags & Nbd.CMD_FLAG_FAST_ZERO) != 0) {
                    simpleReply(cookie, Nbd.ENOTSUP, null); // fast zeroing is not promised (not advertised)
                } else if (checkWritable(cookie) && checkRange(cookie, offset, length)) {
                    start(cookie, 0, fua(flags, (c, done) -> backend.writeZeroes(offset, length, done)));
                }
            }
            case Nbd.CMD_CACHE -> {
                if (checkRange(cookie, offset, length)) {
                    simpleReply(cookie, 0, null); // the page cache fills on the reads themselves
                }
            }
            default -> simpleReply(cookie, Nbd.EINVAL, null); // unknown, or BLOCK_STATUS without a context
        }
        ctx.flush();
        return true;
    }

    private boolean checkRange(long cookie, long offset, long length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            simpleReply(cookie, Nbd.EINVAL, null);
            return false;
        }
        return true;
    }

    private boolean checkWritable(long cookie) {
        if (readOnly()) {
            simpleReply(cookie, Nbd.EPERM, null);
            return false;
        }
        return true;
    }

    private void read(long cookie, long offset, long length) {
        if (length > MAX_PAYLOAD) {
            simpleReply(cookie, Nbd.EINVAL, null);
            return;
        }
        if (!checkRange(cookie, offset, length)) {
            return;
        }
        ByteBuf data = ByteBufAllocator.DEFAULT.directBuffer((int) Math.max(1, length));
        MemorySegment seg = MemorySegment.ofBuffer(data.nioBuffer(0, (int) length));
        Request r = new Request(cookie, length, data);
        r.begin();
        backend.read(offset, seg, r);
    }

    private void write(long cookie, int flags, long offset, int length) {
        if (!checkWritable(cookie) || !checkRange(cookie, offset, length)) {
            in.skipBytes(length);
            return;
        }
        ByteBuf data = ByteBufAllocator.DEFAULT.directBuffer(Math.max(1, length));
        data.writeBytes(in, length);
        MemorySegment seg = MemorySegment.ofBuffer(data.nioBuffer(0, length));
        start(cookie, length, data, fua(flags, (c, done) -> backend.write(offset, seg, done)));
    }

    /** With NBD_CMD_FLAG_FUA, a modification is followed by a flush before its reply. */
    private Op fua(int flags, Op op) {
        if ((flags & Nbd.CMD_FLAG_FUA) == 0) {
            return op;
        }
        return (c, done) -> op.run(c, (result, detail) -> {
            if (result < 0) {
                done.complete(result, detail);
            } else {
                backend.flush(done);
            }
        });
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
            inFlight--;
            inFlightBytes -= bytes;
            if (result >= 0 && writeReplyData && buffer != null) {
                buffer.writerIndex((int) bytes);
                simpleReply(cookie, 0, buffer);
            } else {
                if (buffer != null) {
                    buffer.release();
                }
                simpleReply(cookie, result >= 0 ? 0 : Nbd.error(result), null);
            }
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
