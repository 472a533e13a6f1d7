package org.aioemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerseReportTest {
    /** fio 3.33's per-disk section: name and eight counters. aioemu has none. */
    private static final int DISK_FIELDS = 9;

    private static String[] fields(List<JobStats> jobs) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Reports.write("terse", jobs, Synthetic.context(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(jobs.size(), out.lines().count());
        return out.lines().findFirst().orElseThrow().split(";", -1);
    }

    private static String[] fio(String fixture) {
        return Fixtures.read(fixture).lines().findFirst().orElseThrow().split(";", -1);
    }

    @Test
    void fieldCountIsFios() {
        String[] ours = fields(List.of(Synthetic.mixed("m", 0)));
        assertEquals(fio("fio-3.33-null.terse").length, ours.length);
        assertEquals(fio("fio-3.33-file.terse").length - DISK_FIELDS, ours.length);
        assertEquals(121, ours.length);
    }

    @Test
    void everyFieldHasFiosShape() {
        String[] ours = fields(List.of(Synthetic.mixed("m", 0)));
        String[] theirs = fio("fio-3.33-file.terse");
        for (int i = 5; i < ours.length; i++) {
            assertEquals(shape(theirs[i]), shape(ours[i]), "field " + (i + 1) + ": fio " + theirs[i] + ", ours " + ours[i]);
        }
    }

    @Test
    void valuesInKibAndMicroseconds() {
        String[] f = fields(List.of(Synthetic.mixed("m", 0)));
        assertEquals("3", f[0]);
        assertEquals("aioemu-0.1.0", f[1]);
        assertEquals("m", f[2]);
        assertEquals("0", f[3]);
        assertEquals("0", f[4]);
        // read: KiB, KiB/s, IOPS, msec
        assertEquals(List.of("4000", "4000", "1000", "1000"), List.of(f[5], f[6], f[7], f[8]));
        // slat 100 ns
        assertEquals(List.of("0", "0", "0.100000", "0.000000"), List.of(f[9], f[10], f[11], f[12]));
        // clat 1..1.9 us
        assertEquals(List.of("1", "1", "1.290000", "0.311443"), List.of(f[13], f[14], f[15], f[16]));
        assertEquals("1.000000%=1", f[17]);
        assertEquals("99.990000%=1", f[33]);
        assertEquals("0%=0", f[34]);
        assertEquals("0%=0", f[36]);
        // bw min, max, agg, mean, dev
        assertEquals(List.of("3900", "4100", "100.000000%", "4000.000000", "100.000000"),
                List.of(f[41], f[42], f[43], f[44], f[45]));
        // write starts at field 47
        assertEquals("4000", f[46]);
        // cpu
        assertEquals(List.of("1.500000%", "12.250000%", "2000", "0", "14"), List.of(f[87], f[88], f[89], f[90], f[91]));
        // depth 16 is the fifth depth bucket
        assertEquals("100.0%", f[96]);
        // latency: us buckets from 99, ms from 109
        assertEquals(List.of("50.00%", "30.00%"), List.of(f[99], f[100]));
        assertEquals("0.05%", f[111]);
    }

    /** A field's form: integer, "%f", "%f%%", "X%=N", one- or two-decimal percent. */
    private static String shape(String field) {
        if (field.matches("\\d+")) {
            return "int";
        }
        if (field.matches("\\d+\\.\\d{6}")) {
            return "float";
        }
        if (field.matches("\\d+\\.\\d{6}%")) {
            return "percent6";
        }
        if (field.matches("[\\d.]+%=\\d+")) {
            return "percentile";
        }
        if (field.matches("\\d+\\.\\d%")) {
            return "percent1";
        }
        if (field.matches("\\d+\\.\\d\\d%")) {
            return "percent2";
        }
        return "text";
    }
}
