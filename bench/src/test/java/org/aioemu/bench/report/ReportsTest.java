package org.aioemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.aioemu.bench.job.JobOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReportsTest {
    @Test
    void unknownFormatNamesTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Reports.write("xml", List.of(), Map.of(), "aioemu-0.1.0", List.of(), System.out));
        assertEquals("unknown output format 'xml': valid formats are normal, json, json+, terse, or a comma list of them",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Reports.checkFormat(null));
        e = assertThrows(IllegalArgumentException.class, () -> Reports.checkFormat("json,xml"));
        assertTrue(e.getMessage().startsWith("unknown output format 'xml' in 'json,xml'"), e.getMessage());
    }

    @Test
    void aCommaListWritesEachFormatWithTheJsonDocumentLast() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Reports.write("json,normal,terse", List.of(Synthetic.mixed("m", 0)), Map.of(), "aioemu-0.1.0", List.of(),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        int normal = out.indexOf("Run status group 0");
        int terse = out.indexOf("3;aioemu-0.1.0;m;");
        int json = out.indexOf("\n{");
        assertTrue(normal >= 0 && terse > normal && json > terse, out);
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.substring(json)); // one whole JSON document
        assertTrue(Reports.includesNormal("terse,normal"));
        assertFalse(Reports.includesNormal("json,terse"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"normal", "json", "json+", "terse"})
    void publicEntryWritesEveryFormat(String format) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Reports.write(format, List.of(Synthetic.mixed("m", 0)), Map.of("size", "16m"), "aioemu-0.1.0", List.of(),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(out.isBlank());
        assertTrue(out.contains("m"), out);
    }

    @Test
    void headerDescribesJobsAndElidesClones() {
        JobOptions a = Synthetic.options("a", JobOptions.RwMode.RANDREAD);
        a.numjobs = 2;
        JobOptions b = Synthetic.options("b", JobOptions.RwMode.WRITE);
        b.bs[JobOptions.READ] = 65536;
        b.bs[JobOptions.WRITE] = 65536;
        b.bs[JobOptions.TRIM] = 65536;
        b.ioengine = "libaio";
        b.iodepth = 8;
        JobOptions c = Synthetic.options("c", JobOptions.RwMode.RANDRW);
        c.bsrangeLow[JobOptions.READ] = 4096;
        c.bsrangeHigh[JobOptions.READ] = 131072;
        List<JobStats> jobs = List.of(new JobStats(a, 0), new JobStats(a.copy(), 0), new JobStats(b, 1), new JobStats(c, 1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Reports.header(jobs, "aioemu-0.1.0", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals("""
                a: (g=0): rw=randread, bs=(R) 4096B-4096B, (W) 4096B-4096B, (T) 4096B-4096B, ioengine=io_uring, iodepth=16
                ...
                b: (g=1): rw=write, bs=(R) 64.0KiB-64.0KiB, (W) 64.0KiB-64.0KiB, (T) 64.0KiB-64.0KiB, ioengine=libaio, iodepth=8
                c: (g=1): rw=randrw, bs=(R) 4096B-128KiB, (W) 4096B-4096B, (T) 4096B-4096B, ioengine=io_uring, iodepth=16
                aioemu-0.1.0
                Starting 4 threads
                """, bytes.toString(StandardCharsets.UTF_8));
    }
}
