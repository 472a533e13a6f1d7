package org.aioemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class NormalReportTest {
    static String normal(List<JobStats> jobs) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Reports.write("normal", jobs, Synthetic.context(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void oneReaderEveryFigureWorkedOut() {
        String expected = """
                r: (groupid=0, jobs=1): err= 0: pid=4242: Mon Nov 23 21:37:12 2026
                  read: IOPS=1000, BW=4000KiB/s (4096kB/s)(4000KiB/1000msec)
                    slat (nsec): min=100, max=100, avg=100.00, stdev= 0.00
                    clat (nsec): min=1000, max=1900, avg=1290.00, stdev=311.44
                     lat (nsec): min=1100, max=2000, avg=1390.00, stdev=311.44
                    clat percentiles (nsec):
                     |  1.00th=[ 1000],  5.00th=[ 1000], 10.00th=[ 1000], 20.00th=[ 1000],
                     | 30.00th=[ 1000], 40.00th=[ 1000], 50.00th=[ 1000], 60.00th=[ 1500],
                     | 70.00th=[ 1500], 80.00th=[ 1500], 90.00th=[ 1500], 95.00th=[ 1900],
                     | 99.00th=[ 1900], 99.50th=[ 1900], 99.90th=[ 1900], 99.95th=[ 1900],
                     | 99.99th=[ 1900]
                   bw (  KiB/s): min= 3900, max= 4100, per=100.00%, avg=4000.00, stdev=100.00, samples=3
                   iops        : min=  975, max= 1025, avg=1000.00, stdev=25.00, samples=3
                  lat (usec)   : 2=100.00%
                  cpu          : usr=1.50%, sys=12.25%, ctx=2000, majf=0, minf=14
                  IO depths    : 1=0.0%, 2=0.0%, 4=0.0%, 8=0.0%, 16=100.0%, 32=0.0%, >=64=0.0%
                     submit    : 0=0.0%, 4=100.0%, 8=0.0%, 16=0.0%, 32=0.0%, 64=0.0%, >=64=0.0%
                     complete  : 0=0.0%, 4=100.0%, 8=0.0%, 16=0.0%, 32=0.0%, 64=0.0%, >=64=0.0%
                     issued rwts: total=1000,0,0,0 short=0,0,0,0 dropped=0,0,0,0
                     latency   : target=0, window=0, percentile=100.00%, depth=16

                Run status group 0 (all jobs):
                   READ: bw=4000KiB/s (4096kB/s), 4000KiB/s-4000KiB/s (4096kB/s-4096kB/s), io=4000KiB (4096kB), run=1000-1000msec
                """;
        assertEquals(expected, normal(List.of(Synthetic.reader("r", 0))));
    }

    @Test
    void latencyTableSpansUnitsAndWriteLineNamesZoneResets() {
        String out = normal(List.of(Synthetic.mixed("m", 0)));
        // 2000 I/Os: 1000 reads under 2 us; writes 600 at 3 us, 300 at 40 us, 99 near 300 us, 1 at 9 ms.
        assertTrue(out.contains("\n  lat (usec)   : 2=50.00%, 4=30.00%, 50=15.00%, 500=4.95%\n  lat (msec)   : 10=0.05%\n"), out);
        assertTrue(out.contains("\n  write: IOPS=1000, BW=4000KiB/s (4096kB/s)(4000KiB/1000msec); 0 zone resets\n"), out);
        // Write clat spans 3 us .. 9 ms with a large spread: fio's usec line, with the exact max (as fio's), not its
        // histogram bucket's top (9003).
        assertTrue(out.contains("\n    clat (usec): min=3, max=9000, avg="), out);
        assertTrue(out.contains("\n  WRITE: bw=4000KiB/s (4096kB/s)"), out);
        // Percentiles in usec, rounded up as fio does, but 3000 ns stays 3 (not its bucket's top, 3001 ns).
        assertTrue(out.contains("\n     | 70.00th=[   40], 80.00th=[   40], 90.00th=[   40], 95.00th=[  300],\n"), out);
        assertTrue(out.contains("\n     |  1.00th=[    3],  5.00th=[    3],"), out);
    }

    @Test
    void syncBlockAppearsWithSyncs() {
        JobStats j = Synthetic.reader("s", 0);
        for (int i = 0; i < 10; i++) {
            j.sync.record(0, 100, 1500, false);
        }
        String out = normal(List.of(j));
        assertTrue(out.contains("\n  fsync/fdatasync/sync_file_range:\n"
                + "    sync (nsec): min=1600, max=1600, avg=1600.00, stdev= 0.00\n"
                + "    sync percentiles (nsec):\n"
                + "     |  1.00th=[ 1600],  5.00th=[ 1600],"), out);
        assertTrue(out.contains("issued rwts: total=1000,0,0,10 "), out);
    }

    @Test
    void errorIsNamedInTheHeader() {
        JobStats j = Synthetic.reader("e", 0);
        j.error = 5;
        j.errorMessage = "Input/output error";
        assertTrue(normal(List.of(j)).startsWith("e: (groupid=0, jobs=1): err= 5 (error=Input/output error): pid=4242: "));
    }
}
