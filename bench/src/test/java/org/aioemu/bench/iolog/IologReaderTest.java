package org.aioemu.bench.iolog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IologReaderTest {
    @TempDir
    Path dir;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(IologReaderTest.class.getResource("/iolog/" + name).toURI());
    }

    private Path file(String text) throws Exception {
        Path p = dir.resolve("t.log");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void readsFio333Version3WithMicrosecondTimestampsAndSyncs() throws Exception {
        List<IologEntry> e = IologReader.read(resource("fio-3.33-two-files-fsync.log"));
        assertEquals(17, e.size());
        assertEquals(new IologEntry(17_000, "/tmp/fx/j.0.0", IologAction.ADD, 0, 0), e.get(0));
        assertEquals(new IologEntry(118_000, "/tmp/fx/j.0.0", IologAction.WRITE, 0, 4096), e.get(3));
        assertEquals(new IologEntry(597_000, "/tmp/fx/j.0.1", IologAction.SYNC, 4096, 0), e.get(9));
        assertEquals(IologAction.CLOSE, e.get(16).action());
        assertEquals(8, e.stream().filter(x -> x.action() == IologAction.WRITE).count());
        assertEquals(3, e.stream().filter(x -> x.action() == IologAction.SYNC).count());
    }

    @Test
    void version2TimesComeFromWaitsAsAbsoluteMillisecondDeadlines() throws Exception {
        List<IologEntry> e = IologReader.read(resource("v2-waits.log"));
        assertEquals(14, e.size());
        assertEquals(new IologEntry(0, "/data/a", IologAction.READ, 0, 4096), e.get(3));
        assertEquals(new IologEntry(1_500_000_000L, null, IologAction.WAIT, 1500, 0), e.get(4));
        assertEquals(new IologEntry(1_500_000_000L, "/data/a", IologAction.WRITE, 4096, 8192), e.get(5));
        // wait 1000 comes after the 1500 ms deadline: fio does not wait, time does not go back.
        assertEquals(new IologEntry(1_500_000_000L, null, IologAction.WAIT, 1000, 0), e.get(7));
        assertEquals(new IologEntry(1_500_000_000L, "/data/b", IologAction.READ, 65536, 4096), e.get(8));
        assertEquals(new IologEntry(1_500_000_000L, "/data/b", IologAction.SYNC, 0, 0), e.get(9));
        assertEquals(IologAction.DATASYNC, e.get(10).action());
        assertEquals(new IologEntry(1_500_000_000L, "/data/b", IologAction.TRIM, 0, 1 << 20), e.get(11));
    }

    /** What a writer killed mid-line leaves (fio 3.33 replays it too, skipping the cut line with "bad iolog3"). */
    @Test
    void aTraceCutMidLineIsReadUpToItsLastWholeLineWithAWarning() throws Exception {
        String whole = "fio version 3 iolog\n10 /f add\n20 /f open\n30 /f write 0 4096\n40 /f write 4096 4096\n";
        String line = "50 /f write 8192 4096\n";
        for (int cut = 1; cut < line.length() - 7; cut++) { // every cut that leaves fewer than the 5 fields
            Path p = file(whole + line.substring(0, cut));
            List<String> warnings = new ArrayList<>();
            List<IologEntry> e = IologReader.read(p, warnings::add);
            assertEquals(4, e.size(), "cut after " + cut + " characters: " + e);
            assertEquals(new IologEntry(40_000, "/f", IologAction.WRITE, 4096, 4096), e.get(3));
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains(":6:") && warnings.get(0).contains("cut short"), warnings.get(0));
        }
    }

    @Test
    void anUnterminatedLastLineThatIsWholeIsKept() throws Exception {
        List<String> warnings = new ArrayList<>();
        List<IologEntry> e = IologReader.read(file("fio version 3 iolog\n1 /f add\n2 /f open\n3 /f read 0 512"),
                warnings::add);
        assertEquals(new IologEntry(3_000, "/f", IologAction.READ, 0, 512), e.get(2));
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void aBadLastLineWithItsNewlineIsStillAnError() throws Exception {
        IologException e = assertThrows(IologException.class,
                () -> IologReader.read(file("fio version 3 iolog\n1 /f add\n2 /f open\n3 /f write 81\n")));
        assertTrue(e.getMessage().contains(":4:"), e.getMessage());
    }

    @Test
    void version3WaitIsIgnoredWithAWarningAsFioDoes() throws Exception {
        Path p = file("fio version 3 iolog\n0 /f add\n1 /f open\n5 /f wait 100 0\n9 /f read 0 512\n");
        List<String> warnings = new ArrayList<>();
        List<IologEntry> e = IologReader.read(p, warnings::add);
        assertEquals(3, e.size());
        assertEquals(List.of(p + ":4: wait is ignored in version 3 (timestamps give the timing)"), warnings);
    }

    @Test
    void blankLinesTrailingSpaceAndCrlfAreTolerated() throws Exception {
        List<IologEntry> e = IologReader.read(file("fio version 3 iolog \r\n\n0 /f add\r\n2  /f\topen\n\n7 /f write 8 9  \n"));
        assertEquals(new IologEntry(7000, "/f", IologAction.WRITE, 8, 9), e.get(2));
    }

    @Test
    void reopeningAClosedFileIsAllowed() throws Exception {
        List<IologEntry> e = IologReader.read(file("fio version 2 iolog\n/f add\n/f open\n/f close\n/f open\n/f read 0 1\n"));
        assertEquals(5, e.size());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "empty file|''|1|empty file, expected 'fio version 2 iolog' or 'fio version 3 iolog'",
        "bad header|'fio version 1 iolog\n'|1|not a fio iolog: expected 'fio version 2 iolog' or 'fio version 3 iolog', got 'fio version 1 iolog'",
        "unknown action|'fio version 3 iolog\n0 /f add\n0 /f open\n3 /f frob 0 4096\n'|4|unknown action 'frob' (fio knows add, open, close, read, write, sync, datasync, trim, wait)",
        "bad offset|'fio version 2 iolog\n/f add\n/f open\n/f read 0x10 4096\n'|4|bad offset '0x10': not an unsigned decimal number",
        "negative length|'fio version 2 iolog\n/f add\n/f open\n/f read 0 -1\n'|4|bad length '-1': not an unsigned decimal number",
        "huge offset|'fio version 2 iolog\n/f add\n/f open\n/f read 99999999999999999999 1\n'|4|bad offset '99999999999999999999': too large",
        "bad timestamp|'fio version 3 iolog\n1.5 /f add\n'|2|bad timestamp '1.5': not an unsigned decimal number",
        "v2 line in v3|'fio version 3 iolog\n/f add\n'|2|expected 'TIMESTAMP FILE ACTION [OFFSET LENGTH]', got 2 fields",
        "v3 line in v2|'fio version 2 iolog\n/f add\n/f open\n5 /f read 0 1\n'|4|expected 'FILE ACTION [OFFSET LENGTH]', got 5 fields",
        "never added|'fio version 3 iolog\n0 /f add\n0 /f open\n1 /g read 0 4096\n'|4|read on /g, which was never added",
        "not open|'fio version 3 iolog\n0 /f add\n1 /f write 0 4096\n'|3|write on /f, which is not open",
        "open unadded|'fio version 2 iolog\n/f open\n'|2|open of /f, which was never added",
        "close unopened|'fio version 2 iolog\n/f add\n/f close\n'|3|close of /f, which is not open",
        "add with offset|'fio version 2 iolog\n/f add 0 1\n'|2|'add' takes no offset and length",
        "read without length|'fio version 2 iolog\n/f add\n/f open\n/f read\n'|4|'read' needs an offset and a length",
        "wait too large|'fio version 2 iolog\n/f wait 9223372036854775 0\n'|2|wait 9223372036854775 is too large",
    })
    void errorsNameFileLineAndWhat(String what, String text, int line, String message) throws Exception {
        Path p = file(text);
        IologException e = assertThrows(IologException.class, () -> IologReader.read(p), what);
        assertEquals(p + ":" + line + ": " + message, e.getMessage());
        assertEquals(line, e.line());
        assertEquals(p, e.file());
    }

    @Test
    void aMissingFileIsAnIologExceptionToo() {
        Path p = dir.resolve("missing.log");
        IologException e = assertThrows(IologException.class, () -> IologReader.read(p));
        assertTrue(e.getMessage().startsWith(p + ": cannot read: "), e.getMessage());
    }
}
