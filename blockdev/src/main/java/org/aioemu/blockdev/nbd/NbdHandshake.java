package org.aioemu.blockdev.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The client's side of newstyle negotiation, as the first handler of a new connection: reads the server's greeting,
 * answers with the client flags, asks for the export with {@code NBD_OPT_GO} (and its block sizes), and falls back to
 * {@code NBD_OPT_EXPORT_NAME} when the server answers {@code NBD_REP_ERR_UNSUP} or does not offer fixed newstyle. On
 * success it removes itself from the pipeline and completes {@link #result()}; on any failure (an error reply,
 * garbage, an oldstyle server, the connection closing) it fails the result with an {@link NbdException} that says
 * why, and closes the channel. Allocation is no concern here: this runs once per connection.
 *
 * <p>Threading: the handler methods run on the channel's loop (Netty's rule); {@link #result()} any thread.
 */
final class NbdHandshake extends ChannelInboundHandlerAdapter {
    /** Largest option reply taken (info and error messages are small). */
    private static final int MAX_REPLY = 1 << 20;

    private enum State { GREETING, GO, EXPORT_NAME, DONE }

    private final NbdUri uri;
    private final CompletableFuture<NbdExport> result = new CompletableFuture<>();
    // --- loop only ---
    private ChannelHandlerContext ctx;
    private ByteBuf in;
    private State state = State.GREETING;
    private boolean noZeroes;
    private long size = -1;
    private int flags;
    private int minimumBlock = 1;
    private int preferredBlock = 4096;
    private int maximumPayload = Nbd.DEFAULT_MAX_PAYLOAD;

    NbdHandshake(NbdUri uri) {
        this.uri = uri;
    }

    /** Any thread: the export once negotiated, or the failure. */
    CompletableFuture<NbdExport> result() {
        return result;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext c) {
        ctx = c;
        in = c.alloc().heapBuffer(256);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext c) {
        if (in != null) {
            in.release();
            in = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        try {
            if (in == null || state == State.DONE) {
                return;
            }
            in.writeBytes(b);
        } finally {
            b.release();
        }
        try {
            while (state != State.DONE && step()) {
                if (in != null) {
                    in.discardSomeReadBytes();
                }
            }
        } catch (Failure f) {
            fail(f.getMessage(), null);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
        fail(switch (state) {
            case GREETING -> "the server closed the connection before its NBD greeting" + seen();
            case GO -> "the server closed the connection during NBD_OPT_GO";
            case EXPORT_NAME -> "the server closed the connection after NBD_OPT_EXPORT_NAME: it has no export named '"
                    + uri.exportName() + "', or refused it";
            case DONE -> "the server closed the connection";
        }, null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        fail(String.valueOf(cause.getMessage()), cause);
    }

    /** A protocol violation found while parsing: the handshake fails with its message. */
    private static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** Takes one message if it has arrived whole; false to wait for more bytes. */
    private boolean step() {
        return switch (state) {
            case GREETING -> greeting();
            case GO -> optionReply();
            case EXPORT_NAME -> exportNameReply();
            case DONE -> false;
        };
    }

    private boolean greeting() {
        if (in.readableBytes() < 16) {
            if (in.readableBytes() >= 8 && in.getLong(in.readerIndex()) != Nbd.NBDMAGIC) {
                throw new Failure("not an NBD server" + seen());
            }
            return false;
        }
        long magic = in.getLong(in.readerIndex());
        long style = in.getLong(in.readerIndex() + 8);
        if (magic != Nbd.NBDMAGIC) {
            throw new Failure("not an NBD server" + seen());
        }
        if (style == Nbd.OLDSTYLE_MAGIC) {
            throw new Failure("the server speaks the oldstyle NBD handshake, which aioemu's client does not (use a newstyle"
                    + " server, e.g. nbd-server 3.x, qemu-nbd or nbdkit)");
        }
        if (style != Nbd.IHAVEOPT) {
            throw new Failure("not a newstyle NBD greeting" + seen());
        }
        if (in.readableBytes() < 18) {
            return false;
        }
        in.skipBytes(16);
        int serverFlags = in.readUnsignedShort();
        boolean fixed = (serverFlags & Nbd.FLAG_FIXED_NEWSTYLE) != 0;
        noZeroes = (serverFlags & Nbd.FLAG_NO_ZEROES) != 0;
        ByteBuf out = ctx.alloc().buffer(64);
        out.writeInt((fixed ? Nbd.CLIENT_FLAG_FIXED_NEWSTYLE : 0) | (noZeroes ? Nbd.CLIENT_FLAG_NO_ZEROES : 0));
        byte[] name = uri.exportName().getBytes(StandardCharsets.UTF_8);
        if (fixed) {
            // NBD_OPT_GO: the name, and one information request, the block sizes (the export's size and flags come anyway).
            out.writeLong(Nbd.IHAVEOPT).writeInt(Nbd.OPT_GO).writeInt(4 + name.length + 2 + 2)
                    .writeInt(name.length).writeBytes(name).writeShort(1).writeShort(Nbd.INFO_BLOCK_SIZE);
            state = State.GO;
        } else {
            writeExportName(out, name); // a server without fixed newstyle may take no other option
        }
        ctx.writeAndFlush(out);
        return true;
    }

    private void writeExportName(ByteBuf out, byte[] name) {
        out.writeLong(Nbd.IHAVEOPT).writeInt(Nbd.OPT_EXPORT_NAME).writeInt(name.length).writeBytes(name);
        state = State.EXPORT_NAME;
    }

    private boolean optionReply() {
        if (in.readableBytes() < 20) {
            return false;
        }
        int at = in.readerIndex();
        long magic = in.getLong(at);
        int type = in.getInt(at + 12);
        long length = in.getUnsignedInt(at + 16);
        if (magic != Nbd.OPTION_REPLY_MAGIC) {
            throw new Failure("garbage where an option reply belongs" + seen());
        }
        if (length > MAX_REPLY) {
            throw new Failure("an option reply of " + length + " bytes, over the " + MAX_REPLY + " this client takes");
        }
        if (in.readableBytes() < 20 + length) {
            return false;
        }
        in.skipBytes(20);
        ByteBuf data = in.readSlice((int) length);
        if (type == Nbd.REP_INFO) {
            info(data);
        } else if (type == Nbd.REP_ACK) {
            if (size < 0) {
                throw new Failure("the server accepted NBD_OPT_GO without telling the export's size (no NBD_INFO_EXPORT)");
            }
            done(true);
        } else if (type == Nbd.REP_ERR_UNSUP) {
            // An older server: enter transmission the old way, which has no error reply (a missing export closes).
            ByteBuf out = ctx.alloc().buffer(32);
            writeExportName(out, uri.exportName().getBytes(StandardCharsets.UTF_8));
            ctx.writeAndFlush(out);
        } else if (type < 0) { // the error types have the top bit set
            String message = data.toString(StandardCharsets.UTF_8).strip();
            String why = switch (type) {
                case Nbd.REP_ERR_UNKNOWN -> "the server has no export named '" + uri.exportName() + "'";
                case Nbd.REP_ERR_TLS_REQD -> "the server requires TLS, which aioemu's NBD client does not speak";
                case Nbd.REP_ERR_POLICY -> "the server's policy refuses export '" + uri.exportName() + "' to this client";
                case Nbd.REP_ERR_SHUTDOWN -> "the server is shutting down";
                default -> "the server refused NBD_OPT_GO for export '" + uri.exportName() + "' with " + Nbd.optionError(type);
            };
            // The server's own words where they add something.
            throw new Failure(message.isEmpty() || why.contains(message) ? why : why + " (the server said: " + message + ")");
        }
        // Any other reply type is information this client did not ask for: skipped.
        return true;
    }

    private void info(ByteBuf data) {
        if (data.readableBytes() < 2) {
            throw new Failure("an NBD_REP_INFO reply without its information type");
        }
        int info = data.readUnsignedShort();
        if (info == Nbd.INFO_EXPORT) {
            if (data.readableBytes() < 10) {
                throw new Failure("a short NBD_INFO_EXPORT reply (" + (data.readableBytes() + 2) + " bytes)");
            }
            size = data.readLong();
            flags = data.readUnsignedShort();
            if (size < 0) {
                throw new Failure("the server gave the export a size over 2^63 bytes");
            }
        } else if (info == Nbd.INFO_BLOCK_SIZE) {
            if (data.readableBytes() < 12) {
                throw new Failure("a short NBD_INFO_BLOCK_SIZE reply (" + (data.readableBytes() + 2) + " bytes)");
            }
            long min = data.readUnsignedInt();
            long preferred = data.readUnsignedInt();
            long max = data.readUnsignedInt();
            if (min < 1 || min > (64 << 10) || Long.bitCount(min) != 1 || max < min) {
                throw new Failure("block sizes the protocol does not allow: minimum " + min + ", preferred " + preferred
                        + ", maximum " + max);
            }
            minimumBlock = (int) min;
            preferredBlock = (int) Math.min(Math.max(preferred, min), 1 << 30);
            maximumPayload = (int) Math.min(max, Integer.MAX_VALUE - (Integer.MAX_VALUE % min));
        }
    }

    private boolean exportNameReply() {
        int need = 10 + (noZeroes ? 0 : 124);
        if (in.readableBytes() < need) {
            return false;
        }
        size = in.readLong();
        flags = in.readUnsignedShort();
        in.skipBytes(need - 10);
        if (size < 0) {
            throw new Failure("the server gave the export a size over 2^63 bytes");
        }
        done(false);
        return true;
    }

    private void done(boolean optGo) {
        if (in.isReadable()) {
            throw new Failure("the server sent " + in.readableBytes() + " bytes after the handshake, before any request");
        }
        state = State.DONE;
        ctx.pipeline().remove(this);
        result.complete(new NbdExport(uri.exportName(), size, flags, minimumBlock, preferredBlock, maximumPayload, optGo));
    }

    private void fail(String message, Throwable cause) {
        if (state == State.DONE && result.isDone()) {
            return;
        }
        state = State.DONE;
        result.completeExceptionally(new NbdException(uri, message, cause));
        ctx.close();
    }

    /** What the server sent, for a message: its first bytes in hex and as text. */
    private String seen() {
        if (in == null || !in.isReadable()) {
            return "";
        }
        int n = Math.min(in.readableBytes(), 16);
        String text = in.toString(in.readerIndex(), n, StandardCharsets.US_ASCII).replaceAll("[^\\x20-\\x7e]", ".");
        return ": it sent " + ByteBufUtil.hexDump(in, in.readerIndex(), n) + " (\"" + text + "\")";
    }
}
