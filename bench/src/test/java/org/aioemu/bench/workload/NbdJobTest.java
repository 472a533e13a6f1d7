package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.blockdev.nbd.NbdServer;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.aioemu.engine.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs on an NBD export (fio's ioengine=nbd, or a filename= that is an NBD URI) against aioemu's server in the same
 * JVM: verified random I/O, the export's size as the job's, trims landing in the image, a read-only export, a missing
 * export, a server that goes away mid-job; nothing is laid out or created beside the job.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NbdJobTest {
    private static final long SIZE = 32L << 20;

    @TempDir
    Path dir;

    private AioContext serverCtx;
    private BlockBackend disk;
    private NbdServer server;
    private Path image;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (disk != null) {
            disk.close();
        }
        if (serverCtx != null) {
            serverCtx.close();
        }
    }

    /** Serves an image of SIZE random bytes under {@code config}. */
    private String serve(NbdServer.Config config) throws Exception {
        image = dir.resolve("export.raw");
        byte[] data = new byte[(int) SIZE];
        new SplittableRandom(3).nextBytes(data);
        Files.write(image, data);
        serverCtx = AioContext.create();
        disk = BlockBackend.open(serverCtx, image, BlockBackendOptions.defaults().withReadOnly(config.readOnly()));
        server = NbdServer.start(disk, config.withPort(0));
        return server.uri();
    }

    private JobOptions job(String name) throws Exception {
        JobOptions o = Jobs.job(name, Files.createDirectories(dir.resolve("cwd")));
        o.ioengine = "nbd";
        o.aioEngine = "nbd";
        o.bs[JobOptions.READ] = o.bs[JobOptions.WRITE] = o.bs[JobOptions.TRIM] = 4096;
        o.iodepth = 16;
        return o;
    }

    @Test
    void aVerifiedRandomJobRunsThroughTheExport() throws Exception {
        String uri = serve(NbdServer.Config.defaults().withExportName("disk"));
        JobOptions o = job("v");
        o.nbdUri = uri;
        o.rw = RwMode.RANDRW;
        o.size = 8 << 20;
        o.verify = JobOptions.Verify.CRC32C;
        o.fsync = 32;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertTrue(s.write.ios > 0 && s.read.ios >= s.write.ios, "reads " + s.read.ios + ", writes " + s.write.ios);
        assertTrue(s.sync.ios > 0, "fsync=32 became NBD flushes");
        assertTrue(server.stats().writeOps() >= s.write.ios, "the writes went to the server");
        assertEquals(List.of(), listCwd().stream().filter(f -> !f.toString().endsWith("verify.state")).toList(),
                "nothing laid out beside the job (fio's verify state is saved, as for files)");
    }

    @Test
    void withoutSizeTheJobCoversTheExportFromItsOffset() throws Exception {
        String uri = serve(NbdServer.Config.defaults());
        JobOptions o = job("r");
        o.filename = uri; // a filename that is an NBD URI selects the export whatever the engine
        o.ioengine = "psync";
        o.aioEngine = "threads";
        o.rw = RwMode.READ;
        o.bs[JobOptions.READ] = 1 << 20;
        o.offset = 8 << 20;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(SIZE - (8 << 20), s.read.bytes, "fio's nbd engine: the export's size is the file's");
    }

    @Test
    void trimsLandInTheImage() throws Exception {
        String uri = serve(NbdServer.Config.defaults());
        JobOptions o = job("t");
        o.nbdUri = uri;
        o.rw = RwMode.TRIM;
        o.bs[JobOptions.TRIM] = 64 << 10;
        o.offset = 1 << 20;
        o.size = 1 << 20;
        JobStats s = Jobs.run(o);
        assertEquals(0, s.error, s.errorMessage);
        assertEquals(16, s.trim.ios);
        byte[] file = Files.readAllBytes(image);
        for (int i = 1 << 20; i < 2 << 20; i++) {
            if (file[i] != 0) {
                throw new AssertionError("byte " + i + " was not trimmed");
            }
        }
        assertTrue(file[(1 << 20) - 1] != 0 || file[(1 << 20) - 2] != 0, "the bytes before the region are untouched");
    }

    @Test
    void aReadOnlyExportFailsAWritingJobWithErofs() throws Exception {
        String uri = serve(NbdServer.Config.defaults().withReadOnly(true));
        JobOptions o = job("ro");
        o.nbdUri = uri;
        o.rw = RwMode.RANDWRITE;
        o.size = 1 << 20;
        JobStats s = Jobs.run(o);
        assertEquals(Errno.EROFS, s.error);
        assertTrue(s.errorMessage.contains("read-only"), s.errorMessage);
        assertEquals(0, server.stats().writeOps());
    }

    @Test
    void aMissingExportFailsTheJobNamingIt() throws Exception {
        serve(NbdServer.Config.defaults().withExportName("disk"));
        JobOptions o = job("m");
        o.nbdUri = "nbd://127.0.0.1:" + server.port() + "/nope";
        o.rw = RwMode.READ;
        JobStats s = Jobs.run(o);
        assertEquals(Errno.EIO, s.error);
        assertTrue(s.errorMessage.contains(o.nbdUri) && s.errorMessage.contains("no export named 'nope'"), s.errorMessage);
        assertEquals(List.of(), listCwd());
    }

    @Test
    void aUnixSocketExportWorksAndTheServerGoingAwayEndsTheJobWithEio() throws Exception {
        Path socket = dir.resolve("nbd.sock");
        String uri = serve(NbdServer.Config.defaults().withUnixSocket(socket));
        assumeTrue(serverCtx.transport() != Transport.NIO, "Unix sockets need the io_uring or epoll transport");
        JobOptions o = job("u");
        o.nbdUri = uri;
        o.rw = RwMode.RANDREAD;
        o.timeBased = true;
        o.runtimeNanos = TimeUnit.SECONDS.toNanos(60);
        CompletableFuture<JobStats> running = CompletableFuture.supplyAsync(() -> Jobs.run(o));
        Thread.sleep(700);
        assertFalse(running.isDone(), "the job runs");
        server.close(); // lets the requests in flight finish, then closes the connection
        server = null;
        JobStats s = running.get(30, TimeUnit.SECONDS);
        assertEquals(Errno.EIO, s.error, s.errorMessage);
        assertTrue(s.errorMessage.contains("was lost"), s.errorMessage);
        assertTrue(s.read.ios > 0);
    }

    @Test
    void theUriComesFromUriOrAFilenameAndNbdWithoutOneSaysSo() {
        JobOptions o = new JobOptions();
        assertNull(NbdJobs.uri(o));
        assertFalse(NbdJobs.isNbd(o));
        o.filename = "nbd://127.0.0.1:10809/a";
        assertEquals("nbd://127.0.0.1:10809/a", NbdJobs.uri(o));
        assertEquals(List.of("nbd://127.0.0.1:10809/a"), JobFiles.splitNames(o.filename), "one name, colons and all");
        o.nbdUri = "nbd+unix:///b?socket=/s";
        assertEquals("nbd+unix:///b?socket=/s", NbdJobs.uri(o), "uri= first");
        JobOptions bare = new JobOptions();
        bare.ioengine = "nbd";
        assertTrue(NbdJobs.isNbd(bare));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NbdJobs.uri(bare));
        assertTrue(e.getMessage().contains("ioengine=nbd needs uri="), e.getMessage());
    }

    private List<Path> listCwd() throws Exception {
        try (var s = Files.list(dir.resolve("cwd"))) {
            return s.toList();
        }
    }
}
