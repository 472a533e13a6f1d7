package org.aioemu.blockdev.lz4;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.engine.AioContext;

/**
 * The process {@link Lz4CrashTest} kills: rounds of writes to an lz4 image, each round ending in a flush whose
 * completion it reports ("flushed R" on stdout). What round R of run I writes is a function of (I, R) alone
 * ({@link #blocksOf}, {@link #content}), so the test knows what every acknowledged flush covered. Runs until killed.
 *
 * <p>Arguments: image path, run number.
 */
public final class Lz4CrashWriter {
    static final int BLOCK = 4096;
    static final int WRITES_PER_ROUND = 24;

    private Lz4CrashWriter() {
    }

    /** The blocks round {@code round} of run {@code run} writes, in order (a block may come twice: the later wins). */
    static int[] blocksOf(int run, int round, int blocks) {
        SplittableRandom rnd = new SplittableRandom(run * 1_000_003L + round);
        int[] b = new int[WRITES_PER_ROUND];
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextInt(blocks);
        }
        return b;
    }

    /**
     * Block {@code block}'s bytes as round {@code round} of run {@code run} writes them: a header naming all three,
     * then text-like, zero or random bytes (so the image stores LZ4 and raw clusters both).
     */
    static byte[] content(int run, int round, int block) {
        byte[] b = new byte[BLOCK];
        SplittableRandom rnd = new SplittableRandom(((long) run << 40) ^ ((long) round << 20) ^ block);
        int kind = rnd.nextInt(3);
        for (int i = 12; i < BLOCK; i++) {
            b[i] = switch (kind) {
                case 0 -> (byte) ("lorem ipsum dolor sit amet ".charAt(i % 27));
                case 1 -> 0;
                default -> (byte) rnd.nextInt();
            };
        }
        java.nio.ByteBuffer.wrap(b).putInt(run).putInt(round).putInt(block);
        return b;
    }

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        int run = Integer.parseInt(args[1]);
        try (AioContext ctx = AioContext.create(); Arena arena = Arena.ofShared();
                BlockBackend b = BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withFormat("lz4"))) {
            int blocks = (int) (b.size() / BLOCK);
            System.out.println("ready");
            System.out.flush();
            for (int round = 1; ; round++) {
                int[] which = blocksOf(run, round, blocks);
                CompletableFuture<?>[] writes = new CompletableFuture<?>[which.length];
                for (int i = 0; i < which.length; i++) {
                    MemorySegment buf = arena.allocate(BLOCK, BLOCK);
                    buf.copyFrom(MemorySegment.ofArray(content(run, round, which[i])));
                    // the same block twice in a round: the earlier must land first, so wait for it
                    for (int j = 0; j < i; j++) {
                        if (which[j] == which[i]) {
                            writes[j].get();
                        }
                    }
                    writes[i] = b.write((long) which[i] * BLOCK, buf);
                }
                CompletableFuture.allOf(writes).get();
                b.flush().get();
                System.out.println("flushed " + round);
                System.out.flush();
            }
        }
    }
}
