package org.aioemu.blockdev;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.aioemu.blockdev.lz4.Lz4Images;
import org.aioemu.engine.Errno;

/**
 * A raw image whose format was probed rather than given must not be turned into another format by its own writes: a
 * guest that writes an lz4 header at offset 0 would otherwise have the image opened as lz4 next time, reading through
 * a map it wrote (QEMU's rule for probed raw images). A write that would leave the image's first bytes probing as lz4
 * fails with EPERM; naming the format lifts this. The guard keeps its own copy of the bytes probing looks at, so a
 * header assembled from several small writes is caught too, and a write elsewhere costs one comparison.
 *
 * <p>Threading: as {@link BlockDriver}: loop only.
 */
final class ProbedRawGuard extends FilterDriver {
    /** The image's first bytes as the guard knows them: what probing reads, updated by every write that lands there. */
    private final byte[] head;

    ProbedRawGuard(BlockDriver child, byte[] head) {
        super(child);
        this.head = head;
    }

    @Override
    public void write(long offset, MemorySegment buffer, int flags, BlockCompletion completion) {
        writev(offset, new MemorySegment[] {buffer}, 1, flags, completion);
    }

    @Override
    public void writev(long offset, MemorySegment[] iov, int count, int flags, BlockCompletion completion) {
        if (offset >= head.length) {
            child.writev(offset, iov, count, flags, completion);
            return;
        }
        byte[] after = head.clone();
        long at = offset;
        for (int i = 0; i < count && at < head.length; i++) {
            int n = (int) Math.min(head.length - at, iov[i].byteSize());
            MemorySegment.copy(iov[i], java.lang.foreign.ValueLayout.JAVA_BYTE, 0, after, (int) at, n);
            at += iov[i].byteSize();
        }
        if (Lz4Images.probes(ByteBuffer.wrap(after))) {
            completion.complete(-Errno.EPERM, "the image's format was probed (raw): this write would give it an lz4"
                    + " header and change how it opens; name the format (raw) to allow it");
            return;
        }
        child.writev(offset, iov, count, flags, (r, why) -> {
            if (r >= 0) {
                System.arraycopy(after, 0, head, 0, head.length);
            }
            completion.complete(r, why);
        });
    }
}
