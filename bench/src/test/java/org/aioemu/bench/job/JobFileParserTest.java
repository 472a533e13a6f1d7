package org.aioemu.bench.job;

import static org.aioemu.bench.job.JobFiles.assertBs;
import static org.aioemu.bench.job.JobFiles.job;
import static org.aioemu.bench.job.JobFiles.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job file structure: sections, [global], comments, includes, environment, sources and errors. */
class JobFileParserTest {
    private static List<JobOptions> text(String text) {
        return new JobFileParser(Map.of()).parse(Path.of("jobs.fio"), text);
    }

    private static String error(String text) {
        return assertThrows(JobFileException.class, () -> text(text)).getMessage();
    }

    @Test
    void howtoExample() {
        List<JobOptions> jobs = parse("good/basic.fio");
        assertEquals(1, jobs.size());
        JobOptions j = jobs.get(0);
        assertEquals("random-writers", j.name);
        assertEquals(JobOptions.RwMode.RANDWRITE, j.rw);
        assertBs(j, 32 << 10, 32 << 10, 32 << 10);
        assertEquals(4, j.iodepth);
        assertEquals(64L << 20, j.size);
        assertEquals(4, j.numjobs, "numjobs is kept, not expanded");
        assertEquals("libaio", j.ioengine);
        assertEquals("threads", j.aioEngine);
        assertFalse(j.direct);
        assertTrue(j.source.endsWith("basic.fio:2"), j.source);
        assertEquals(0, j.index);
    }

    @Test
    void globalAppliesToTheJobsBelowItAndLaterGlobalsAddToIt() {
        List<JobOptions> jobs = parse("good/global-merge.fio");
        assertEquals(List.of("first", "second", "third"), jobs.stream().map(j -> j.name).toList());
        JobOptions first = job(jobs, "first");
        JobOptions second = job(jobs, "second");
        JobOptions third = job(jobs, "third");
        assertBs(first, 8192, 8192, 8192);
        assertEquals(8, first.iodepth);
        assertFalse(first.timeBased, "the second [global] comes after first");
        assertBs(second, 16384, 16384, 16384);
        assertEquals(4, second.iodepth);
        assertTrue(second.timeBased);
        assertEquals(JobOptions.RwMode.RANDREAD, second.rw);
        assertEquals(30 * FioNumbers.SECOND, second.runtimeNanos);
        assertBs(third, 32768, 32768, 32768);
        assertEquals(JobOptions.RwMode.WRITE, third.rw);
        assertEquals(List.of(0, 1, 2), jobs.stream().map(j -> j.index).toList());
        assertTrue(third.source.endsWith("global-merge.fio:17"), third.source);
        // given: [global] options first, in file order, then the job's; a job's own value replaces.
        assertEquals(List.of("bs", "iodepth", "rw", "runtime", "time_based"), List.copyOf(third.given.keySet()));
        assertEquals("32k", third.given.get("bs"));
        assertEquals("write", third.given.get("rw"));
        assertEquals("", third.given.get("time_based"), "a bare flag is recorded with an empty value");
        assertEquals(Map.of("bs", "8k", "iodepth", "8", "rw", "randread", "runtime", "30"), first.given);
    }

    @Test
    void commentsBlankLinesAndWhitespace() {
        JobOptions j = parse("good/comments.fio").get(0);
        assertEquals("job", j.name);
        assertEquals(1 << 20, j.size);
        assertBs(j, 8192, 8192, 8192);
        assertEquals(2, j.iodepth);
        assertEquals(JobOptions.RwMode.RANDWRITE, j.rw);
        assertEquals("/tmp/aioemu-comments.dat", j.filename, "fio ends the line at '#'");
        assertEquals("something", j.given.get("description"), "and at ';'");
        assertEquals(5 * FioNumbers.SECOND, j.runtimeNanos);
    }

    @Test
    void includeIsRelativeToTheIncludingFileAndNests() {
        List<JobOptions> jobs = parse("good/include-main.fio");
        JobOptions included = job(jobs, "included");
        JobOptions after = job(jobs, "after");
        assertBs(included, 8192, 8192, 8192);
        assertEquals(4, included.iodepth);
        assertEquals(1 << 20, included.size);
        assertEquals(JobOptions.RwMode.RANDREAD, included.rw);
        // The include in "after" comes after [global]'s bs=64k, so its bs=8k wins.
        assertBs(after, 8192, 8192, 8192);
        assertEquals(List.of("size", "bs", "iodepth"), List.copyOf(after.given.keySet()));
    }

    @Test
    void environmentVariablesExpandInValues() {
        JobOptions j = parse("good/env.fio").get(0);
        assertEquals(64L << 20, j.size);
        assertEquals(4, j.numjobs);
        assertEquals("/tmp/sub", j.directory);
        assertEquals("prefix", j.filename, "an unset ${VAR} is empty, as in fio");
        assertEquals("64m", j.given.get("size"), "given records the expanded value");
    }

    @Test
    void dollarNameExpandsOnlyWhenSet() {
        JobFileParser p = new JobFileParser(Map.of("BS", "8k", "F", "/tmp/x"));
        JobOptions j = p.parse(Path.of("j.fio"), "[j]\nbs=$BS\nfilename=$F.$NOPE\ndescription=$5 and $\n").get(0);
        assertBs(j, 8192, 8192, 8192);
        assertEquals("/tmp/x.$NOPE", j.filename);
        assertEquals("$5 and $", j.given.get("description"));
    }

    @Test
    void internalOptionsGiveOneNoticeEachWithFileAndLine() {
        JobFileParser p = new JobFileParser(Map.of());
        List<JobOptions> jobs = p.parse(JobFiles.path("good/internal-options.fio"));
        List<String> notices = p.notices();
        assertEquals(11, notices.size(), notices.toString());
        assertTrue(notices.get(0).endsWith("internal-options.fio:3: option 'thread' only tunes fio internals; ignored"),
                notices.get(0));
        assertTrue(notices.get(1).contains("internal-options.fio:4: option 'lockfile'"), notices.get(1));
        assertTrue(jobs.get(0).groupReporting);
        assertEquals("", jobs.get(0).given.get("thread"), "ignored options are still recorded as given");
    }

    @Test
    void noticesForGlobalOptionsAreNotRepeatedPerJob() {
        JobFileParser p = new JobFileParser(Map.of());
        p.parse(Path.of("n.fio"), "[global]\nthread\n[a]\n[b]\n[c]\n");
        assertEquals(List.of("n.fio:2: option 'thread' only tunes fio internals; ignored"), p.notices());
    }

    @Test
    void defaultsAreFiosAndCanBeReplaced() {
        JobOptions fio = text("[j]\n").get(0);
        assertEquals(1, fio.iodepth);
        assertEquals(JobOptions.RwMode.READ, fio.rw);
        assertEquals("psync", fio.ioengine);
        assertTrue(fio.given.isEmpty());
        JobOptions seed = new JobOptions();
        seed.iodepth = 16;
        seed.given.put("iodepth", "16");
        JobOptions j = new JobFileParser(Map.of(), seed).parse(Path.of("j.fio"), "[j]\nbs=8k\n").get(0);
        assertEquals(16, j.iodepth);
        assertEquals(Map.of("bs", "8k"), j.given, "given holds only what the file says");
    }

    @Test
    void syncOneIsOSyncAndDsyncIsODsync() {
        List<JobOptions> jobs = text("[a]\nsync=1\n[b]\nsync=sync\n[c]\nsync=dsync\n[d]\nsync=0\n");
        assertEquals(List.of(true, true, true, false), jobs.stream().map(j -> j.sync).toList());
        assertEquals(List.of(false, false, true, false), jobs.stream().map(j -> j.dsyncOnly).toList());
    }

    @Test
    void nameOptionAndSectionNames() {
        List<JobOptions> jobs = text("[ spaced ]\n[j]\nname=renamed\n[j]\n");
        assertEquals(List.of("spaced", "renamed", "j"), jobs.stream().map(j -> j.name).toList());
        assertEquals(List.of("jobs.fio:1", "jobs.fio:2", "jobs.fio:4"), jobs.stream().map(j -> j.source).toList());
        // fio 3.33: a [global] name= names no job (fio-seq-read.fio's [file1] is "file1" in fio's JSON).
        jobs = text("[global]\nname=fio-seq-reads\n[file1]\n[a]\nname=b\n");
        assertEquals(List.of("file1", "b"), jobs.stream().map(j -> j.name).toList());
    }

    @Test
    void globalOnlyFileHasNoJobs() {
        assertTrue(text("[global]\nbs=8k\n").isEmpty());
        assertTrue(text("; nothing\n\n").isEmpty());
    }

    @Test
    void crlfLineEndings() {
        JobOptions j = text("[j]\r\nbs=8k\r\niodepth=3\r\n").get(0);
        assertBs(j, 8192, 8192, 8192);
        assertEquals(3, j.iodepth);
    }

    @Test
    void severalFilesAreSeparateGroups() {
        JobFileParser p = new JobFileParser(JobFiles.ENV);
        List<JobOptions> jobs = p.parseAll(List.of(JobFiles.path("good/basic.fio"), JobFiles.path("good/global-merge.fio")));
        assertEquals(4, jobs.size());
        assertEquals(List.of(0, 1, 2, 3), jobs.stream().map(j -> j.index).toList());
        assertFalse(jobs.get(0).stonewall);
        assertTrue(jobs.get(1).stonewall, "the second file waits for the first");
        assertFalse(jobs.get(2).stonewall);
    }

    // --- errors -----------------------------------------------------------------------------------------

    @Test
    void unknownOptionNamesFileLineAndSuggests() {
        assertEquals("jobs.fio:3: unknown option 'bsz'; did you mean 'bs'?", error("[j]\nrw=read\nbsz=4k\n"));
        assertEquals("jobs.fio:2: unknown option 'iodepht'; did you mean 'iodepth'?", error("[j]\niodepht=4\n"));
        assertEquals("jobs.fio:2: unknown option 'frobnicate'", error("[j]\nfrobnicate=1\n"));
    }

    @Test
    void badValueNamesFileLineOptionAndValue() {
        assertEquals("jobs.fio:2: bad value for 'bs': '4q' (expected " + FioNumbers.SIZE + ")", error("[j]\nbs=4q\n"));
        assertEquals("jobs.fio:4: bad value for 'iodepth': '0' (expected an integer from 1 to 65536)",
                error("[global]\nbs=4k\n\niodepth=0\n[j]\n"));
        String rw = error("[j]\nrw=bogus\n");
        assertTrue(rw.startsWith("jobs.fio:2: bad value for 'rw': 'bogus' (expected one of read, write, trim,"), rw);
    }

    @Test
    void syncFileRangeTakesFiosFlagsAndCount() {
        JobOptions j = text("[j]\nsync_file_range=wait_before,write,wait_after:8\n").getFirst();
        assertEquals(8, j.syncFileRange);
        assertEquals(7, j.syncFileRangeFlags);
        assertEquals(2, text("[j]\nsync_file_range=write:1\n").getFirst().syncFileRangeFlags);
        assertTrue(error("[j]\nsync_file_range=write\n").startsWith("jobs.fio:2: bad value for 'sync_file_range': 'write'"
                + " (expected FLAGS:N"), error("[j]\nsync_file_range=write\n"));
        assertTrue(error("[j]\nsync_file_range=flush:4\n").contains("not 'flush'"));
        assertTrue(error("[j]\nsync_file_range=write:0\n").contains("'sync_file_range'"));
    }

    @Test
    void unsupportedEngineNamesFileLine() {
        assertEquals("jobs.fio:2: ioengine=splice is not supported by aioemu (its engines are io_uring, libaio, posixaio,"
                + " psync, sync, vsync, pvsync, pvsync2, null, mmap, nbd)", error("[j]\nioengine=splice\n"));
    }

    @Test
    void unsupportedFioOptionIsNotCalledUnknown() {
        assertEquals("jobs.fio:2: fio option 'write_barrier' is not supported by aioemu: fio issues barrier writes only"
                + " through its sg (SCSI generic) engine", error("[j]\nwrite_barrier=10\n"));
    }

    @Test
    void missingValue() {
        assertEquals("jobs.fio:2: option 'iodepth' needs a value (iodepth=...)", error("[j]\niodepth\n"));
        assertEquals("jobs.fio:2: bad value for 'bs': '' (expected a value after '=')", error("[j]\nbs=\n"));
    }

    @Test
    void sectionErrors() {
        assertEquals("jobs.fio:1: option 'bs' is outside of any [job] section", error("bs=4k\n[j]\n"));
        assertEquals("jobs.fio:1: a section needs a name: []", error("[]\n"));
        assertEquals("jobs.fio:2: section header without its closing ']': [j", error("\n[j\n"));
        assertEquals("jobs.fio:2: an option name is missing before '=': =4k", error("[j]\n=4k\n"));
    }

    @Test
    void errorsInGlobalAreReportedWhereWrittenEvenWithoutJobs() {
        assertEquals("jobs.fio:2: bad value for 'size': 'lots' (expected " + FioNumbers.SIZE + ")",
                error("[global]\nsize=lots\n"));
    }

    @Test
    void missingJobFile(@TempDir Path dir) {
        Path f = dir.resolve("nope.fio");
        String m = assertThrows(JobFileException.class, () -> new JobFileParser(Map.of()).parse(f)).getMessage();
        assertEquals(f + ": no such file", m);
    }

    @Test
    void missingIncludeNamesTheIncludingLine(@TempDir Path dir) throws IOException {
        Path main = dir.resolve("main.fio");
        Files.writeString(main, "[j]\nbs=4k\ninclude missing.fio\n");
        String m = assertThrows(JobFileException.class, () -> new JobFileParser(Map.of()).parse(main)).getMessage();
        assertEquals(main + ":3: cannot include " + dir.resolve("missing.fio") + ": no such file", m);
    }

    @Test
    void errorsInsideIncludesNameTheIncludedFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("main.fio"), "[j]\ninclude part.fio\n");
        Files.writeString(dir.resolve("part.fio"), "bs=8k\n\nbsz=4k\n");
        String m = assertThrows(JobFileException.class,
                () -> new JobFileParser(Map.of()).parse(dir.resolve("main.fio"))).getMessage();
        assertEquals(dir.resolve("part.fio") + ":3: unknown option 'bsz'; did you mean 'bs'?", m);
    }

    @Test
    void includeRules(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("loop.fio"), "include loop.fio\n");
        Files.writeString(dir.resolve("sections.fio"), "[x]\n");
        Files.writeString(dir.resolve("main.fio"), "[j]\ninclude loop.fio\n");
        JobFileParser p = new JobFileParser(Map.of());
        assertTrue(assertThrows(JobFileException.class, () -> p.parse(dir.resolve("main.fio"))).getMessage()
                .startsWith(dir.resolve("loop.fio") + ":1: include loop: "));
        Files.writeString(dir.resolve("main.fio"), "[j]\ninclude sections.fio\n");
        assertEquals(dir.resolve("sections.fio") + ":1: an included file may not start sections: [x]",
                assertThrows(JobFileException.class, () -> p.parse(dir.resolve("main.fio"))).getMessage());
        Files.writeString(dir.resolve("main.fio"), "include sections.fio\n");
        assertEquals(dir.resolve("main.fio") + ":1: include is outside of any [job] section",
                assertThrows(JobFileException.class, () -> p.parse(dir.resolve("main.fio"))).getMessage());
        Files.writeString(dir.resolve("main.fio"), "[j]\ninclude\n");
        assertEquals(dir.resolve("main.fio") + ":2: include needs a file name",
                assertThrows(JobFileException.class, () -> p.parse(dir.resolve("main.fio"))).getMessage());        // A NUL in the name threw InvalidPathException, with no file:line (found by JobFileParserFuzzTest).
        Files.writeString(dir.resolve("main.fio"), "[j]\ninclude a\0b.fio\n");
        assertEquals(dir.resolve("main.fio") + ":2: include: not a file name: Nul character not allowed",
                assertThrows(JobFileException.class, () -> p.parse(dir.resolve("main.fio"))).getMessage());
    }

    @Test
    void absoluteIncludePath(@TempDir Path dir) throws IOException {
        Path part = dir.resolve("abs-part.fio");
        Files.writeString(part, "iodepth=7\n");
        JobOptions j = text("[j]\ninclude " + part + "\n").get(0);
        assertEquals(7, j.iodepth);
        assertNull(j.filename);
    }
}
