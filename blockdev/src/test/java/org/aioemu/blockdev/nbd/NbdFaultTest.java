package org.aioemu.blockdev.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.aioemu.blockdev.BlockBackend;
import org.aioemu.blockdev.BlockBackendOptions;
import org.aioemu.blockdev.FaultInjection;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export over a faulty disk: an NBD client sees the disk's errno as the protocol's error (ENOSPC as NBD_ENOSPC,
 * which the client turns back into ENOSPC), and the server goes on serving the requests after it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NbdFaultTest {
    @TempDir
    Path dir;

    @Test
    void aClientSeesEnospcAndTheExportKeepsServing() throws Exception {
        try (Arena arena = Arena.ofShared();
             AioContext serverCtx = AioContext.create();
             AioContext clientCtx = AioContext.create()) {
            BlockBackendOptions opts = BlockBackendOptions.defaults()
                    .withFaults(FaultInjection.parse("write:errno=ENOSPC:nth=2;read:errno=EIO:nth=1;flush:errno=EIO:nth=1"));
            BlockBackend disk = BlockBackend.create(serverCtx, dir.resolve("disk.raw"), 1 << 20, opts);
            try (NbdServer server = NbdServer.start(disk, NbdServer.Config.defaults().withPort(0));
                 NbdClient c = NbdClient.connect(clientCtx, server.uri())) {
                MemorySegment buf = arena.allocate(4096);
                assertEquals(4096, NbdClientTest.call(clientCtx, d -> c.write(0, buf, d)).result());
                NbdClientTest.Done full = NbdClientTest.call(clientCtx, d -> c.write(4096, buf, d));
                assertEquals(-Errno.ENOSPC, full.result(), String.valueOf(full.detail()));
                assertEquals(4096, NbdClientTest.call(clientCtx, d -> c.write(8192, buf, d)).result(), "still serving");
                assertEquals(-Errno.EIO, NbdClientTest.call(clientCtx, d -> c.read(0, buf, d)).result());
                assertEquals(4096, NbdClientTest.call(clientCtx, d -> c.read(0, buf, d)).result());
                assertEquals(-Errno.EIO, NbdClientTest.call(clientCtx, c::flush).result());
                assertEquals(-Errno.EIO, NbdClientTest.call(clientCtx, c::flush).result(), "a failed flush stays failed");
            } finally {
                disk.close();
            }
        }
    }
}
