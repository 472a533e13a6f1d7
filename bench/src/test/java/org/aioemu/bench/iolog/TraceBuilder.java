package org.aioemu.bench.iolog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Builds blktrace binaries event by event, in either byte order, for tests. */
final class TraceBuilder {
    static final int R = Blktrace.TC_READ;
    static final int W = Blktrace.TC_WRITE;
    static final int DEV = Blktrace.device(7, 3);

    private final ByteOrder order;
    private ByteBuffer buf = ByteBuffer.allocate(1 << 12);
    private int sequence;

    TraceBuilder(ByteOrder order) {
        this.order = order;
        buf.order(order);
    }

    TraceBuilder() {
        this(ByteOrder.LITTLE_ENDIAN);
    }

    /** A raw event: {@code what} the low half of the action, {@code categories} the high half. */
    TraceBuilder event(long time, int what, int categories, long sector, int bytes, byte[] pdu) {
        ensure(Blktrace.RECORD_BYTES + pdu.length);
        new Blktrace.Event(Blktrace.MAGIC | Blktrace.VERSION, sequence++, time, sector, bytes,
                what | Blktrace.category(categories), 42, DEV, 0, 0, pdu.length).encode(buf);
        buf.put(pdu);
        return this;
    }

    TraceBuilder queue(long time, int kind, long sector, int bytes) {
        return event(time, Blktrace.TA_QUEUE, Blktrace.TC_QUEUE | kind, sector, bytes, new byte[0]);
    }

    TraceBuilder issue(long time, int kind, long sector, int bytes) {
        return event(time, 7, 1 << 6 | kind, sector, bytes, new byte[0]);
    }

    TraceBuilder complete(long time, int kind, long sector, int bytes) {
        return event(time, Blktrace.TA_COMPLETE, Blktrace.TC_COMPLETE | kind, sector, bytes, new byte[0]);
    }

    TraceBuilder backMerge(long time, int kind, long sector, int bytes) {
        return event(time, Blktrace.TA_BACKMERGE, Blktrace.TC_QUEUE | kind, sector, bytes, new byte[0]);
    }

    TraceBuilder process(String name) {
        return event(0, Blktrace.TN_PROCESS, Blktrace.TC_NOTIFY, 0, 0, (name + "\0").getBytes());
    }

    /** Four raw bytes (a corrupt record's start, say). */
    TraceBuilder raw(byte[] bytes) {
        ensure(bytes.length);
        buf.put(bytes);
        return this;
    }

    byte[] bytes() {
        return Arrays.copyOf(buf.array(), buf.position());
    }

    Path write(Path file) throws IOException {
        Files.write(file, bytes());
        return file;
    }

    private void ensure(int n) {
        if (buf.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n)).order(order);
            bigger.put(buf.array(), 0, buf.position());
            buf = bigger;
        }
    }
}
