package org.aioemu.blockdev.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;

/**
 * One connection's fixed-newstyle negotiation, from the client's flags to the option that starts transmission:
 * NBD_OPT_EXPORT_NAME, GO and INFO (the export's size and flags, its name, its block sizes), LIST, ABORT,
 * STRUCTURED_REPLY, and LIST_META_CONTEXT / SET_META_CONTEXT with {@code base:allocation}; other options get
 * {@code NBD_REP_ERR_UNSUP}. It reads whole options from the connection's input and writes the replies; what it
 * agreed ({@link #structured()}, {@link #allocationContext()}) shapes the transmission phase.
 *
 * <p>Threading: the connection's loop only.
 */
final class NbdNegotiation {
    /** Where a step leaves the connection. */
    enum Step {
        /** The message is not all here yet: nothing was taken. */
        MORE,
        /** Options come next. */
        OPTIONS,
        /** The export is selected: requests come next. */
        TRANSMISSION,
        /** Close the connection (the protocol's answer to bad input, an unknown export name, or ABORT). */
        CLOSE
    }

    private final NbdServer.Config config;
    private final long size;
    private final int transmissionFlags;
    /** The smallest request the export serves well: the image's alignment. */
    private final int minimumBlock;
    private ChannelHandlerContext ctx;
    private boolean noZeroes;
    /** NBD_OPT_STRUCTURED_REPLY was negotiated: reads and their errors are replied in chunks. */
    private boolean structured;
    /** base:allocation was selected with NBD_OPT_SET_META_CONTEXT: NBD_CMD_BLOCK_STATUS is served. */
    private boolean allocationContext;

    NbdNegotiation(NbdServer.Config config, long size, int transmissionFlags, int minimumBlock) {
        this.config = config;
        this.size = size;
        this.transmissionFlags = transmissionFlags;
        this.minimumBlock = Math.max(1, minimumBlock);
    }

    boolean structured() {
        return structured;
    }

    boolean allocationContext() {
        return allocationContext;
    }

    /** The client's flags, the first thing it sends after the greeting. */
    Step clientFlags(ByteBuf in) {
        if (in.readableBytes() < 4) {
            return Step.MORE;
        }
        int flags = in.readInt();
        if ((flags & ~(Nbd.CLIENT_FLAG_FIXED_NEWSTYLE | Nbd.CLIENT_FLAG_NO_ZEROES)) != 0) {
            return Step.CLOSE; // unknown client flags: the protocol says to close
        }
        noZeroes = (flags & Nbd.CLIENT_FLAG_NO_ZEROES) != 0;
        return Step.OPTIONS;
    }

    /** One option from {@code in}, answered on {@code ctx} (written, flushed). */
    Step option(ChannelHandlerContext ctx, ByteBuf in) {
        this.ctx = ctx;
        if (in.readableBytes() < 16) {
            return Step.MORE;
        }
        long magic = in.getLong(in.readerIndex());
        int option = in.getInt(in.readerIndex() + 8);
        long length = in.getUnsignedInt(in.readerIndex() + 12);
        if (magic != Nbd.IHAVEOPT || length > NbdConnection.MAX_OPTION) {
            return Step.CLOSE;
        }
        if (in.readableBytes() < 16 + length) {
            return Step.MORE;
        }
        in.skipBytes(16);
        ByteBuf data = in.readSlice((int) length);
        Step next = Step.OPTIONS;
        switch (option) {
            case Nbd.OPT_EXPORT_NAME -> next = exportName(data);
            case Nbd.OPT_ABORT -> {
                optionReply(option, Nbd.REP_ACK, null);
                next = Step.CLOSE;
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
            case Nbd.OPT_INFO, Nbd.OPT_GO -> next = infoOrGo(option, data);
            case Nbd.OPT_STRUCTURED_REPLY -> {
                if (length != 0) {
                    optionError(option, Nbd.REP_ERR_INVALID, "NBD_OPT_STRUCTURED_REPLY takes no data");
                } else {
                    structured = true;
                    optionReply(option, Nbd.REP_ACK, null);
                }
            }
            case Nbd.OPT_LIST_META_CONTEXT, Nbd.OPT_SET_META_CONTEXT -> metaContext(option, data);
            default -> optionError(option, Nbd.REP_ERR_UNSUP, "option " + option + " is not supported by this server");
        }
        ctx.flush();
        return next;
    }

    /** NBD_OPT_EXPORT_NAME: no reply on failure but a closed connection; on success the export's size and flags. */
    private Step exportName(ByteBuf data) {
        String name = data.toString(StandardCharsets.UTF_8);
        if (!name.equals(config.exportName()) && !name.isEmpty()) {
            return Step.CLOSE;
        }
        ByteBuf r = ctx.alloc().buffer(10 + 124);
        r.writeLong(size).writeShort(transmissionFlags);
        if (!noZeroes) {
            r.writeZero(124);
        }
        ctx.write(r);
        return Step.TRANSMISSION;
    }

    private Step infoOrGo(int option, ByteBuf data) {
        if (data.readableBytes() < 6) {
            optionError(option, Nbd.REP_ERR_INVALID, "option data too short");
            return Step.OPTIONS;
        }
        long nameLength = data.readUnsignedInt();
        if (nameLength > data.readableBytes() - 2) {
            optionError(option, Nbd.REP_ERR_INVALID, "export name length " + nameLength + " beyond the option's data");
            return Step.OPTIONS;
        }
        String name = data.readCharSequence((int) nameLength, StandardCharsets.UTF_8).toString();
        int requests = data.readUnsignedShort();
        if (data.readableBytes() != 2 * requests) {
            optionError(option, Nbd.REP_ERR_INVALID, requests + " information requests do not fit the option's data");
            return Step.OPTIONS;
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
            return Step.OPTIONS;
        }
        ByteBuf export = ctx.alloc().buffer(12);
        export.writeShort(Nbd.INFO_EXPORT).writeLong(size).writeShort(transmissionFlags);
        optionReply(option, Nbd.REP_INFO, export);
        if (wantName) {
            byte[] n = config.exportName().getBytes(StandardCharsets.UTF_8);
            ByteBuf r = ctx.alloc().buffer(2 + n.length);
            r.writeShort(Nbd.INFO_NAME).writeBytes(n);
            optionReply(option, Nbd.REP_INFO, r);
        }
        // Block sizes, always (a client that did not ask may ignore them): the image's alignment, a page, 32 MiB.
        ByteBuf sizes = ctx.alloc().buffer(14);
        int min = minimumBlock;
        sizes.writeShort(Nbd.INFO_BLOCK_SIZE).writeInt(min).writeInt(Math.max(min, 4096)).writeInt(NbdConnection.MAX_PAYLOAD);
        if (wantBlockSize || min > 1) {
            optionReply(option, Nbd.REP_INFO, sizes);
        } else {
            sizes.release();
        }
        optionReply(option, Nbd.REP_ACK, null);
        return option == Nbd.OPT_GO ? Step.TRANSMISSION : Step.OPTIONS;
    }

    private void metaContext(int option, ByteBuf data) {
        boolean listing = option == Nbd.OPT_LIST_META_CONTEXT;
        if (!listing && !structured) {
            optionError(option, Nbd.REP_ERR_INVALID, "negotiate structured replies before selecting meta contexts");
            return;
        }
        NbdMetaContexts.Request r = NbdMetaContexts.parse(data);
        if (r.error() != null) {
            optionError(option, Nbd.REP_ERR_INVALID, r.error());
            return;
        }
        if (!r.exportName().equals(config.exportName()) && !r.exportName().isEmpty()) {
            optionError(option, Nbd.REP_ERR_UNKNOWN, "no export named '" + r.exportName() + "'");
            return;
        }
        boolean base = NbdMetaContexts.namesBaseAllocation(r.queries(), listing);
        if (base) {
            byte[] name = NbdMetaContexts.BASE_ALLOCATION.getBytes(StandardCharsets.UTF_8);
            ByteBuf ctxReply = ctx.alloc().buffer(4 + name.length);
            ctxReply.writeInt(listing ? 0 : NbdMetaContexts.BASE_ALLOCATION_ID).writeBytes(name);
            optionReply(option, Nbd.REP_META_CONTEXT, ctxReply);
        }
        if (!listing) {
            allocationContext = base; // a set replaces the selection
        }
        optionReply(option, Nbd.REP_ACK, null);
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

}
