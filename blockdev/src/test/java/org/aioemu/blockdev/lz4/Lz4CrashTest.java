package org.aioemu.blockdev.lz4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.engine.AioContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency of lz4 images: a writer process ({@link Lz4CrashWriter}) is killed with SIGKILL at a random moment
 * of a write-and-flush load, again and again on the same image. After every kill the image must open, {@code check}
 * must find no corruption (leaks are allowed: writes no commit names), and every block must read back as a version
 * the writes allow: the last one written before the last acknowledged flush, or a later one; never an older one, a
 * mix, or anything else. A SIGKILL loses what the process held, not what the kernel held, so this tests the commit
 * protocol's ordering against the page cache; power loss would also need the flushes (which the protocol issues) to
 * be honoured by the disk.
 *
 * <p>20 kills here; {@code -Dlz4.crash.runs=N} for the long form.
 */
class Lz4CrashTest {
    private static final int SIZE = 4 << 20;
    private static final int BLOCKS = SIZE / Lz4CrashWriter.BLOCK;

    @TempDir
    Path dir;

    @Test
    void killedWritersLeaveTheLastFlushIntact() throws Exception {
        int runs = Integer.getInteger("lz4.crash.runs", 20);
        Path image = dir.resolve("crash.lz4");
        Lz4Images.create(image, SIZE, 4096);
        byte[][] known = new byte[BLOCKS][]; // what each block holds for certain after the last verification
        for (int i = 0; i < BLOCKS; i++) {
            known[i] = new byte[Lz4CrashWriter.BLOCK];
        }
        SplittableRandom rnd = new SplittableRandom(42);
        int totalFlushes = 0;
        long leaked = 0;
        for (int run = 1; run <= runs; run++) {
            int flushed = killDuringWrites(image, run, 150 + rnd.nextInt(900));
            totalFlushes += flushed;
            Lz4Images.CheckResult check = Lz4Images.check(image, false);
            assertTrue(check.corruptions().isEmpty(), "run " + run + ": " + check.corruptions());
            leaked += check.leakedBytes();
            verify(image, run, flushed, known);
        }
        System.out.println("lz4 crash: " + runs + " kills, " + totalFlushes + " acknowledged flushes, " + leaked
                + " leaked bytes seen, no lost or torn block");
        assertTrue(totalFlushes > 0, "the writer never completed a flush: the kills came too early to test anything");
    }

    /** Starts the writer on {@code image}, kills it {@code afterMillis} after it is ready; the last flushed round. */
    private int killDuringWrites(Path image, int run, int afterMillis) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Lz4CrashWriter.class.getName(), image.toString(), Integer.toString(run))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        AtomicInteger lastFlushed = new AtomicInteger();
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null;) {
                    if (line.equals("ready")) {
                        ready.countDown();
                    } else if (line.startsWith("flushed ")) {
                        lastFlushed.set(Integer.parseInt(line.substring(8)));
                    }
                }
            } catch (java.io.IOException e) {
                // the pipe breaks when the process dies
            }
        });
        if (!ready.await(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the writer did not start within 60 s");
        }
        Thread.sleep(afterMillis);
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        reader.join(30_000);
        assertTrue(!reader.isAlive(), "the writer's output was not read to its end: the last flush it reported is unknown");
        assertEquals(137, p.exitValue(), "the writer should have been killed, not have exited by itself");
        return lastFlushed.get();
    }

    /**
     * Every block must hold its last version flushed in this run, or a version of a later round of this run that
     * wrote it; a block this run's flushed rounds did not write may also still hold what it held before the run.
     */
    private void verify(Path image, int run, int flushed, byte[][] known) throws Exception {
        int[] lastFlushedRound = new int[BLOCKS];
        List<List<Integer>> laterRounds = new ArrayList<>();
        for (int i = 0; i < BLOCKS; i++) {
            laterRounds.add(new ArrayList<>());
        }
        // rounds after the last acknowledged flush may have landed in part; the writer can be at most a round ahead
        for (int round = 1; round <= flushed + 1; round++) {
            for (int block : Lz4CrashWriter.blocksOf(run, round, BLOCKS)) {
                if (round <= flushed) {
                    lastFlushedRound[block] = round;
                } else {
                    laterRounds.get(block).add(round);
                }
            }
        }
        try (AioContext ctx = AioContext.create(); Arena arena = Arena.ofShared();
                BlockBackend b = BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withReadOnly(true))) {
            assertEquals("lz4", b.format());
            MemorySegment all = arena.allocate(SIZE, 4096);
            assertEquals(SIZE, b.read(0, all).get(30, TimeUnit.SECONDS));
            for (int block = 0; block < BLOCKS; block++) {
                byte[] got = all.asSlice((long) block * Lz4CrashWriter.BLOCK, Lz4CrashWriter.BLOCK)
                        .toArray(ValueLayout.JAVA_BYTE);
                ByteBuffer h = ByteBuffer.wrap(got);
                int gotRun = h.getInt();
                int gotRound = h.getInt();
                int gotBlock = h.getInt();
                boolean fresh = gotRun == run && gotBlock == block
                        && (gotRound == lastFlushedRound[block] && gotRound > 0 || laterRounds.get(block).contains(gotRound));
                if (fresh) {
                    assertArrayEquals(Lz4CrashWriter.content(run, gotRound, block), got,
                            "run " + run + ", block " + block + ": torn version of round " + gotRound);
                } else {
                    assertTrue(lastFlushedRound[block] == 0, "run " + run + ", block " + block + " lost round "
                            + lastFlushedRound[block] + " (flushed): it holds run " + gotRun + " round " + gotRound);
                    assertArrayEquals(known[block], got, "run " + run + ", block " + block
                            + ": neither its old contents nor a version this run wrote (it holds run " + gotRun
                            + " round " + gotRound + " block " + gotBlock + "; the last flush reported was round "
                            + flushed + ")");
                }
                known[block] = got;
            }
        }
    }
}
