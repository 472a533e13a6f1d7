package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.aioemu.aio.AioEngines;
import org.aioemu.bench.data.Verifier;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.engine.AioContext;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The verify soak: a verifying random writer ({@code verify=crc32c}, {@code verify_backlog}, writes failing with
 * injected EIO under {@code continue_on_error=write}) runs in a process of its own on a random engine and pool model
 * and is killed with SIGKILL at a random moment, again and again on one image, raw and lz4. After every kill:
 * <ul>
 *   <li>an independent scan (this test reading every block through a backend and checking it with {@link Verifier})
 *       finds every block whole — each holds some complete write, never a torn, misdirected or stale-mixed one;</li>
 *   <li>aioemu's own verifying read pass over the image agrees: no error;</li>
 * </ul>
 * and at the end a read pass with one bit flipped in every 37th block read ({@code --inject=read:corrupt=1:every=37},
 * {@code continue_on_error=verify}) reports exactly as many verify errors as corruptions were injected: none goes
 * unnoticed, and nothing else is reported.
 *
 * <p>{@code -Dsoak.kills=N} kills per format (default 6; the README's long form runs more), {@code -Dsoak.seed=S}
 * replays a failure.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class VerifySoakTest {
    private static final int KILLS = Integer.getInteger("soak.kills", 6);
    private static final long SIZE = 8 << 20;
    private static final int BLOCK = 4096;
    private static final int CORRUPT_EVERY = 37;

    @org.junit.jupiter.api.io.TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"raw", "lz4"})
    void killedVerifyingWritersLeaveOnlyWholeBlocksAndEveryInjectedCorruptionIsCaught(String format) throws Exception {
        long seed = Long.getLong("soak.seed", System.nanoTime());
        SplittableRandom rnd = new SplittableRandom(seed);
        Path image = dir.resolve("soak." + format);
        // Every block written once with a header first, so that from then on every block must check.
        Cli.Run base = Cli.aioemu("bench", "--name=base", "--filename=" + image, "--size=" + SIZE, "--format=" + format,
                "--rw=write", "--bs=4k", "--verify=crc32c", "--do_verify=0", "--time_based=0", "--eta=never");
        assertEquals(0, base.exit(), base.err());
        long killedWrites = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            String engine = rnd.nextBoolean() && AioEngines.unavailability("io_uring") == null ? "io_uring" : "threads";
            List<String> args = new ArrayList<>(List.of("bench", "--name=soak", "--filename=" + image, "--size=" + SIZE,
                    "--rw=randwrite", "--bs=4k", "--iodepth=16", "--verify=crc32c", "--verify_backlog=64",
                    "--time_based", "--runtime=120", "--aio=" + engine, "--eta=always",
                    "--inject=write:errno=EIO:prob=0.002:seed=" + rnd.nextInt(1 << 20), "--continue_on_error=write"));
            if (engine.equals("threads")) {
                args.add("--pool=" + (rnd.nextBoolean() ? "queue" : "rings"));
            }
            long waitMs = 300 + rnd.nextInt(1500);
            Path run = Files.createDirectories(dir.resolve(format + "-" + kill));
            try (ChildAioemu c = ChildAioemu.start(run, null, args.toArray(String[]::new))) {
                c.awaitText(c.out, "Jobs: 1");
                Thread.sleep(waitMs);
                assertTrue(c.process.isAlive(), "the writer ended before its kill: " + c.output());
                c.process.destroyForcibly(); // SIGKILL: nothing of the process's own is flushed or closed
                c.awaitExit(30);
            }
            String where = format + ", kill " + kill + " (" + String.join(" ", args.subList(5, args.size()))
                    + ", after " + waitMs + " ms), seed " + seed;
            List<String> bad = scan(image, format);
            assertEquals(List.of(), bad, "blocks that are not whole writes after " + where);
            JsonNode pass = readPass(image, List.of());
            assertEquals(0, pass.get("error").asInt(), "aioemu's verify pass after " + where + ": " + pass);
            killedWrites++;
        }
        JsonNode corrupted = readPass(image, List.of("--inject=read:corrupt=1:every=" + CORRUPT_EVERY,
                "--continue_on_error=verify"));
        long reads = corrupted.get("read").get("total_ios").asLong();
        assertEquals(SIZE / BLOCK, reads, corrupted.toString());
        assertEquals(reads / CORRUPT_EVERY, corrupted.get("total_err").asLong(),
                "every injected corruption, and nothing else, is reported: " + corrupted);
        System.out.println("verify soak, " + format + ", seed " + seed + ": " + killedWrites + " writers killed, "
                + SIZE / BLOCK + " blocks whole after each, " + corrupted.get("total_err").asLong() + " of "
                + reads / CORRUPT_EVERY + " injected corruptions caught");
    }

    /** aioemu's verifying read of the whole image once; the job's JSON. */
    private JsonNode readPass(Path image, List<String> extra) throws Exception {
        Path json = dir.resolve("pass.json");
        List<String> args = new ArrayList<>(List.of("bench", "--name=check", "--filename=" + image, "--rw=read",
                "--bs=4k", "--iodepth=8", "--verify=crc32c", "--time_based=0", "--eta=never", "--output-format=json",
                "--output=" + json));
        args.addAll(extra);
        Cli.Run r = Cli.aioemu(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return new ObjectMapper().readTree(json.toFile()).get("jobs").get(0);
    }

    /** Every block read through a backend (lz4 decoded) and checked on its own; the first few that fail, and why. */
    private static List<String> scan(Path image, String format) throws Exception {
        List<String> bad = new ArrayList<>();
        Verifier verifier = new Verifier(JobOptions.Verify.CRC32C, null, 0);
        try (AioContext ctx = AioContext.create(); Arena arena = Arena.ofShared();
             BlockBackend disk = BlockBackend.open(ctx, image, BlockBackendOptions.defaults().withReadOnly(true)
                     .withFormat(format))) {
            MemorySegment buf = arena.allocate(BLOCK, BLOCK);
            for (long at = 0; at < SIZE; at += BLOCK) {
                assertEquals(BLOCK, disk.read(at, buf).get());
                String why = verifier.check(buf, at, BLOCK);
                if (why != null && bad.size() < 5) {
                    bad.add(why);
                }
            }
        }
        return bad;
    }
}
