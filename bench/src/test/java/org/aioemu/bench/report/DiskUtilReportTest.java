package org.aioemu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The "Disk stats" section, JSON disk_util and the terse disk fields, against fio 3.33's own output. */
class DiskUtilReportTest {
    /** The numbers of fixtures/fio-3.33-groups.json. */
    private static final DiskUtil VDA = new DiskUtil("vda", 2270, 496, 0, 44, 155, 1241, 1396, 43.417085);

    private static String write(String format, List<DiskUtil> disks) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReportContext ctx = new ReportContext("aioemu-0.1.0", Map.of(), Synthetic.NOW, 1, ZoneOffset.UTC, disks);
        Reports.write(format, List.of(Synthetic.mixed("m", 0)), ctx, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonDiskUtilIsFiosObject() throws Exception {
        JsonNode ours = FioJson.MAPPER.readTree(write("json", List.of(VDA))).get("disk_util");
        JsonNode fio = FioJson.MAPPER.readTree(Fixtures.read("fio-3.33-groups.json")).get("disk_util");
        assertEquals(fio.toString(), ours.toString(), "same keys, order and values");
        assertEquals("[]", FioJson.MAPPER.readTree(write("json", List.of())).get("disk_util").toString());
        assertTrue(write("json", List.of(VDA)).contains("\"util\" : 43.417085"), "six decimals as fio prints");
    }

    @Test
    void normalOutputEndsWithFiosDiskStatsLines() {
        String out = write("normal", List.of(new DiskUtil("vda", 2032, 1687, 0, 65, 125, 1061, 1186, 45.8312)));
        String fio = Fixtures.read("fio-3.33-groups.txt");
        String expected = fio.substring(fio.indexOf("\nDisk stats (read/write):")).strip();
        assertTrue(out.strip().endsWith(expected), out);
        assertTrue(!write("normal", List.of()).contains("Disk stats"), "no section without devices");
    }

    @Test
    void terseAppendsNineFieldsPerDiskAsFioDoes() {
        String[] without = write("terse", List.of()).strip().split(";", -1);
        String[] with = write("terse", List.of(VDA, new DiskUtil("sdb", 1, 2, 3, 4, 5, 6, 7, 100.0))).strip().split(";", -1);
        assertEquals(without.length + 18, with.length);
        List<String> tail = new ArrayList<>(Arrays.asList(with).subList(without.length, with.length));
        assertEquals(List.of("vda", "2270", "496", "0", "44", "155", "1241", "1396", "43.42%",
                "sdb", "1", "2", "3", "4", "5", "6", "7", "100.00%"), tail);
        String[] fioFile = Fixtures.read("fio-3.33-file.terse").lines().findFirst().orElseThrow().split(";", -1);
        assertEquals(fioFile.length, without.length + 9, "one disk: as long as fio's line for a file job");
        assertTrue(fioFile[fioFile.length - 1].matches("\\d+\\.\\d\\d%"), fioFile[fioFile.length - 1]);
    }
}
