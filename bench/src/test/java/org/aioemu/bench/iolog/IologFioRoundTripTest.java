package org.aioemu.bench.iolog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fio 3.33 as the reference: what it writes we read, what we write it replays. */
class IologFioRoundTripTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needFio() {
        Fio.assumeInstalled();
    }

    @Test
    void weReadWhatFioWrites() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("fio.iolog");
        String json = Fio.runJson(dir, "--name=j", "--rw=randrw", "--bs=4k", "--size=1m", "--io_size=256k",
                "--filename=" + data, "--write_iolog=" + log);
        List<IologEntry> e = IologReader.read(log);

        assertEquals(IologAction.ADD, e.getFirst().action());
        assertEquals(IologAction.CLOSE, e.getLast().action());
        long reads = 0;
        long readBytes = 0;
        long writes = 0;
        long writeBytes = 0;
        for (IologEntry x : e) {
            assertEquals(data.toString(), x.file());
            if (x.action() == IologAction.READ || x.action() == IologAction.WRITE) {
                assertEquals(4096, x.length(), x.toString());
                assertEquals(0, x.offset() % 4096, x.toString());
                assertTrue(x.offset() + x.length() <= 1 << 20, x.toString());
                boolean read = x.action() == IologAction.READ;
                reads += read ? 1 : 0;
                readBytes += read ? x.length() : 0;
                writes += read ? 0 : 1;
                writeBytes += read ? 0 : x.length();
            }
        }
        assertEquals(Fio.number(json, "read", "total_ios"), reads);
        assertEquals(Fio.number(json, "read", "io_bytes"), readBytes);
        assertEquals(Fio.number(json, "write", "total_ios"), writes);
        assertEquals(Fio.number(json, "write", "io_bytes"), writeBytes);
        assertEquals(256 << 10, readBytes + writeBytes);
    }

    @Test
    void fioReplaysWhatWeWrite() throws Exception {
        Path data = dir.resolve("data");
        Files.write(data, new byte[1 << 20]);
        String f = data.toString();
        Path log = dir.resolve("ours.iolog");
        try (IologWriter w = new IologWriter(log)) {
            w.add(f);
            w.open(f);
            for (int i = 0; i < 10; i++) {
                w.io(-1, f, IologAction.WRITE, i * 8192L, 8192);
            }
            w.io(-1, f, IologAction.SYNC, 0, 0);
            for (int i = 0; i < 7; i++) {
                w.io(-1, f, IologAction.READ, (63 - i) * 4096L, 4096);
            }
            w.io(-1, f, IologAction.DATASYNC, 0, 0);
            w.close(f);
        }
        String json = Fio.runJson(dir, "--name=replay", "--read_iolog=" + log, "--replay_no_stall=1");
        assertEquals(7, Fio.number(json, "read", "total_ios"));
        assertEquals(7 * 4096, Fio.number(json, "read", "io_bytes"));
        assertEquals(10, Fio.number(json, "write", "total_ios"));
        assertEquals(10 * 8192, Fio.number(json, "write", "io_bytes"));
        // fio 3.33's JSON counts fsync only, not fdatasync: the debug trace below shows both.
        assertEquals(1, Fio.number(json, "sync", "total_ios"));

        String trace = Fio.run(dir, "--name=replay", "--read_iolog=" + log, "--replay_no_stall=1", "--debug=io");
        assertEquals(7, count(trace, "ddir=0,file=" + f));
        assertEquals(10, count(trace, "ddir=1,file=" + f));
        assertEquals(1, count(trace, "off=0x0,len=0x0,ddir=3,file=" + f), "fsync");
        assertEquals(1, count(trace, "off=0x0,len=0x0,ddir=4,file=" + f), "fdatasync");
    }

    /** Lines of fio's --debug=io trace that queue an I/O and contain {@code what}. */
    private static long count(String trace, String what) {
        return trace.lines().filter(l -> l.contains(" queue: ") && l.contains(what)).count();
    }

    @Test
    void fioHonoursOurMicrosecondTimestamps() throws Exception {
        Path data = dir.resolve("data");
        Files.write(data, new byte[64 << 10]);
        String f = data.toString();
        Path log = dir.resolve("timed.iolog");
        try (IologWriter w = new IologWriter(log)) {
            w.add(0, f);
            w.open(0, f);
            w.io(1_000, f, IologAction.READ, 0, 4096);
            w.io(400_000_000, f, IologAction.READ, 4096, 4096); // 400 ms in
            w.close(400_001_000, f);
        }
        String json = Fio.runJson(dir, "--name=replay", "--read_iolog=" + log);
        assertEquals(2, Fio.number(json, "read", "total_ios"));
        long runtimeMs = Fio.number(json, "read", "runtime");
        assertTrue(runtimeMs >= 390 && runtimeMs < 2000, "fio waited ~400 ms, not 400 s or 0.4 ms: " + runtimeMs);
    }

    /**
     * A version 2 {@code wait N} in fio 3.33 holds what follows until N milliseconds after fio started the job's
     * thread, a deadline (the HOWTO's "relative microseconds" is not what it does); fio's job clock starts about
     * 100 ms after that thread, so fio reports N - 100 ms. aioemu counts N from the job's start: its runtime is
     * fio's plus that startup gap, no more. Measured on "wait 200 / wait 500" and "wait 500 / wait 200": both
     * hold until 500 ms, the later smaller deadline having passed.
     */
    @Test
    void versionTwoWaitsAreDeadlinesInMillisecondsAsFioReplaysThem() throws Exception {
        Path data = dir.resolve("v2.dat");
        Files.write(data, new byte[64 << 10]);
        for (String[] waits : new String[][] {{"200", "500"}, {"500", "200"}}) {
            Path log = dir.resolve("w" + waits[0] + ".log");
            String f = data.toString();
            Files.writeString(log, "fio version 2 iolog\n" + f + " add\n" + f + " open\n" + f + " read 0 4096\n"
                    + f + " wait " + waits[0] + " 0\n" + f + " read 4096 4096\n" + f + " wait " + waits[1] + " 0\n"
                    + f + " read 8192 4096\n" + f + " close\n");
            long fioMs = Fio.number(Fio.runJson(dir, "--name=v2", "--read_iolog=" + log), "read", "runtime");
            org.aioemu.bench.job.JobOptions o = new org.aioemu.bench.job.JobOptions();
            o.name = "v2";
            o.readIolog = log.toString();
            o.aioEngine = "sync";
            org.aioemu.bench.report.JobStats s = org.aioemu.bench.workload.WorkloadRunner.run(List.of(o),
                    org.aioemu.bench.workload.RunSettings.defaults()).getFirst();
            assertEquals(0, s.error, s.errorMessage);
            assertEquals(3, s.read.ios);
            long ourMs = s.read.runtimeNanos / 1_000_000;
            assertTrue(fioMs >= 350 && fioMs < 700, "fio: the 500 ms deadline less its ~100 ms start: " + fioMs);
            assertTrue(ourMs >= 495 && ourMs < 800, "aioemu: 500 ms from the job's start: " + ourMs);
            assertTrue(ourMs - fioMs >= 0 && ourMs - fioMs < 250, "fio " + fioMs + " ms, aioemu " + ourMs + " ms");
        }
    }
}
