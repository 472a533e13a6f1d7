package org.aioemu.blockdev.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The transmission phase's inbound side of an {@link NbdClient}: cuts the server's byte stream into simple replies,
 * matches each to its request by cookie, and copies a read's payload straight from the socket's buffers into the
 * caller's segment as it arrives (no staging copy; only a reply header split across two socket reads is gathered, in
 * a 16-byte buffer made once). A reply that matches no request in flight, a structured reply (never negotiated) or
 * any other garbage breaks the connection: every request in flight fails, none hangs.
 *
 * <p>Threading: the loop only (the channel's, which is the client's context's loop).
 */
final class NbdReplies extends ChannelInboundHandlerAdapter {
    private final NbdClient client;
    private final NbdSlots slots;
    // --- loop only ---
    /** A reply header that arrived in pieces, gathered here. */
    private final ByteBuf header = Unpooled.buffer(Nbd.SIMPLE_REPLY_HEADER, Nbd.SIMPLE_REPLY_HEADER);
    /** The read whose payload is arriving, or null between replies. */
    private NbdSlots.Slot reading;
    /** Bytes of its payload already copied. */
    private int copied;

    NbdReplies(NbdClient client, NbdSlots slots) {
        this.client = client;
        this.slots = slots;
    }

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        try {
            while (b.isReadable() && !client.isBroken()) {
                if (reading != null) {
                    payload(b);
                } else if (header.writerIndex() == 0 && b.readableBytes() >= Nbd.SIMPLE_REPLY_HEADER) {
                    reply(b.readInt(), b.readInt(), b.readLong());
                } else {
                    b.readBytes(header, Math.min(b.readableBytes(), header.writableBytes()));
                    if (!header.isWritable()) {
                        reply(header.readInt(), header.readInt(), header.readLong());
                        header.clear();
                    }
                }
            }
        } finally {
            b.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
        reading = null;
        client.lost(copied > 0 ? "the server closed the connection in the middle of a read's data" : "the server closed the connection");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        reading = null;
        client.lost(String.valueOf(cause)); // a reset connection, a failed write: the connection is done
    }

    private void reply(int magic, int error, long cookie) {
        if (magic != Nbd.SIMPLE_REPLY_MAGIC) {
            protocolError(magic == Nbd.STRUCTURED_REPLY_MAGIC ? "a structured reply, which this client did not negotiate"
                    : "garbage where a reply belongs (magic 0x" + Integer.toHexString(magic) + ")");
            return;
        }
        NbdSlots.Slot s = slots.find(cookie);
        if (s == null) {
            protocolError("a reply to cookie 0x" + Long.toHexString(cookie) + ", which no request in flight has");
            return;
        }
        if (error == 0 && s.type == Nbd.CMD_READ && s.length > 0) {
            reading = s; // the payload follows
            copied = 0;
            return;
        }
        client.replied(s, error);
    }

    private void payload(ByteBuf b) {
        NbdSlots.Slot s = reading;
        int n = Math.min(b.readableBytes(), s.length - copied);
        NbdBytes.read(b, s.buffer, copied, n);
        copied += n;
        if (copied == s.length) {
            reading = null;
            copied = 0;
            client.replied(s, 0);
        }
    }

    private void protocolError(String what) {
        reading = null;
        client.lost("protocol error: the server sent " + what);
    }
}
