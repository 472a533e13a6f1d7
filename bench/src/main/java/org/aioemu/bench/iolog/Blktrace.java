package org.aioemu.bench.iolog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The binary trace format of the kernel's block-layer tracer (blktrace, and {@code blkparse -d} dumps):
 * a stream of 48-byte event records, each followed by {@code pdu_len} bytes of payload, in the byte order
 * of the machine that recorded them.
 *
 * <pre>
 * offset  size  field
 *      0     4  magic     0x654174 &lt;&lt; 8 | version (7)
 *      4     4  sequence  event number
 *      8     8  time      nanoseconds
 *     16     8  sector    in 512-byte units
 *     24     4  bytes     transfer length
 *     28     4  action    low 16 bits: what happened (queue, merge, issue, complete...);
 *                         high 16 bits: categories (read, write, flush, discard, notify...)
 *     32     4  pid
 *     36     4  device    the kernel's dev_t: major &lt;&lt; 20 | minor
 *     40     4  cpu
 *     44     2  error
 *     46     2  pdu_len
 * </pre>
 *
 * The constants are the kernel's ABI ({@code include/uapi/linux/blktrace_api.h}); fio and blkparse read the same
 * layout. Stateless.
 */
public final class Blktrace {
    static final int RECORD_BYTES = 48;
    static final int MAGIC = 0x65617400;
    static final int VERSION = 7;

    // Categories, shifted into the action's high half.
    static final int TC_READ = 1;
    static final int TC_WRITE = 1 << 1;
    static final int TC_FLUSH = 1 << 2;
    static final int TC_QUEUE = 1 << 4;
    static final int TC_COMPLETE = 1 << 7;
    static final int TC_NOTIFY = 1 << 10;
    static final int TC_DISCARD = 1 << 13;
    static final int TC_SHIFT = 16;

    // Actions, the low half.
    static final int TA_QUEUE = 1;
    static final int TA_BACKMERGE = 2;
    static final int TA_FRONTMERGE = 3;
    static final int TA_COMPLETE = 8;
    /** With the notify category: a pid's command name follows as the payload. */
    static final int TN_PROCESS = 0;

    private Blktrace() {
    }

    static int category(int tc) {
        return tc << TC_SHIFT;
    }

    /**
     * The byte order of {@code path} if it starts with a blktrace record (fio's test: the magic with its
     * version byte masked off, in either order), or null if it does not or cannot be read.
     */
    public static ByteOrder probe(Path path) {
        byte[] head = new byte[RECORD_BYTES];
        try (InputStream in = Files.newInputStream(path)) {
            if (in.readNBytes(head, 0, head.length) != head.length) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            if ((ByteBuffer.wrap(head).order(order).getInt(0) & 0xffffff00) == MAGIC) {
                return order;
            }
        }
        return null;
    }

    /** The kernel's dev_t as blktrace records it: major in the top 12 bits, minor in the low 20. */
    static int major(int device) {
        return device >>> 20;
    }

    static int minor(int device) {
        return device & 0xfffff;
    }

    static int device(long major, long minor) {
        return (int) ((major << 20) | (minor & 0xfffff));
    }

    /** One event record (the payload is not kept). */
    record Event(int magic, int sequence, long timeNanos, long sector, int bytes, int action, int pid, int device,
                 int cpu, int error, int pduLength) {
        int what() {
            return action & 0xffff;
        }

        boolean has(int tc) {
            return (action & category(tc)) != 0;
        }

        /** 0 read, 1 write, 2 trim, as fio files an event for its depth count; -1 for none of them. */
        int direction() {
            return has(TC_READ) ? 0 : has(TC_WRITE) ? 1 : has(TC_DISCARD) ? 2 : -1;
        }

        static Event decode(ByteBuffer b) {
            return new Event(b.getInt(), b.getInt(), b.getLong(), b.getLong(), b.getInt(), b.getInt(), b.getInt(),
                    b.getInt(), b.getInt(), Short.toUnsignedInt(b.getShort()), Short.toUnsignedInt(b.getShort()));
        }

        void encode(ByteBuffer b) {
            b.putInt(magic).putInt(sequence).putLong(timeNanos).putLong(sector).putInt(bytes).putInt(action)
                    .putInt(pid).putInt(device).putInt(cpu).putShort((short) error).putShort((short) pduLength);
        }
    }
}
