package org.aioemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.aioemu.bench.Cli.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aioemu fio}: fio's command line as scripts write it, checked against fio 3.33 where it is installed. */
class FioCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static JsonNode json(String out) throws Exception {
        int at = out.startsWith("{") ? 0 : out.indexOf("\n{");
        assertTrue(at >= 0, "a JSON document: " + out);
        return JSON.readTree(out.substring(at));
    }

    private static List<String> names(JsonNode results) {
        List<String> out = new ArrayList<>();
        results.get("jobs").forEach(j -> out.add(j.get("jobname").asText()));
        return out;
    }

    @Test
    void inlineJobsTakeTheOptionsBeforeTheFirstNameAsGlobal() throws Exception {
        Run r = Cli.aioemu("fio", "--size=1m", "--rw=read", "--ioengine=null", "--name=a", "--name=b", "--bs", "64k",
                "--output-format=json");
        assertEquals(0, r.exit(), r.err());
        JsonNode res = json(r.out());
        assertEquals(List.of("a", "b"), names(res));
        assertEquals(256, res.get("jobs").get(0).get("read").get("total_ios").asLong(), "a: 4 KiB blocks over 1 MiB");
        assertEquals(16, res.get("jobs").get(1).get("read").get("total_ios").asLong(), "b: its own --bs 64k");
        assertEquals("1m", res.get("global options").get("size").asText());
    }

    @Test
    void jobFilesRunAfterInlineJobsWithTheGlobalsAndSectionsPickJobs() throws Exception {
        Path file = dir.resolve("two.fio");
        Files.writeString(file, "[global]\nioengine=null\nrw=read\n[x]\n[y]\nbs=8k\n");
        Run r = Cli.aioemu("fio", "--size=512k", "--output-format=json", "--name=first", "--ioengine=null", file.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode res = json(r.out());
        assertEquals(List.of("first", "x", "y"), names(res));
        assertEquals(512 << 10, res.get("jobs").get(1).get("read").get("io_bytes").asLong(), "the file's job took --size");
        Run only = Cli.aioemu("fio", "--size=512k", "--output-format=json", "--section=y", file.toString());
        assertEquals(0, only.exit(), only.err());
        assertEquals(List.of("y"), names(json(only.out())));
    }

    @Test
    void minimalListsOfFormatsParseOnlyShowcmdAndReadonly() throws Exception {
        Run terse = Cli.aioemu("fio", "--minimal", "--name=t", "--ioengine=null", "--size=64k");
        assertEquals(0, terse.exit(), terse.err());
        assertTrue(terse.out().lines().anyMatch(l -> l.startsWith("3;aioemu-") && l.contains(";t;")), terse.out());

        Run both = Cli.aioemu("fio", "--output-format=normal,json", "--name=n", "--ioengine=null", "--size=64k");
        assertEquals(0, both.exit(), both.err());
        assertTrue(both.out().contains("Run status group 0"), both.out());
        assertEquals(List.of("n"), names(json(both.out())));

        Run parse = Cli.aioemu("fio", "--parse-only", "--name=p", "--ioengine=null", "--size=64k", "--thread");
        assertEquals(0, parse.exit(), parse.err());
        assertFalse(parse.out().contains("Run status"), "nothing ran: " + parse.out());
        assertTrue(parse.err().contains("option 'thread' only tunes fio internals"), parse.err());

        Run show = Cli.aioemu("fio", "--showcmd", "--name=s", "--rw=randread", "--size=64k");
        assertEquals(0, show.exit(), show.err());
        assertEquals("fio --name=s --rw=randread --size=64k", show.out().strip());

        Run ro = Cli.aioemu("fio", "--readonly", "--name=w", "--rw=write", "--ioengine=null", "--size=64k");
        assertEquals(1, ro.exit());
        assertTrue(ro.err().contains("job w writes or trims, but --readonly was given"), ro.err());
    }

    @Test
    void badArgumentsAreOneClearLine() {
        Run server = Cli.aioemu("fio", "--server=localhost");
        assertEquals(1, server.exit());
        assertTrue(server.err().contains("--server: fio's server is not supported by aioemu"), server.err());
        Run nojobs = Cli.aioemu("fio", "--size=1m");
        assertEquals(1, nojobs.exit());
        assertTrue(nojobs.err().contains("no jobs given"), nojobs.err());
        Run typo = Cli.aioemu("fio", "--name=a", "--iodeph=4");
        assertEquals(1, typo.exit());
        assertTrue(typo.err().contains("--iodeph=4: unknown option") && typo.err().contains("did you mean --iodepth?"), typo.err());
        Run terse = Cli.aioemu("fio", "--terse-version=5", "--name=a");
        assertEquals(1, terse.exit());
        assertTrue(terse.err().contains("terse version 3 only"), terse.err());
    }

    /** A benchmark script's command line, run by fio and by aioemu fio: the same jobs and bytes. */
    @Test
    void aScriptsCommandLineGivesWhatFioGives() throws Exception {
        assumeTrue(FioPeer.available(), "fio is not on the PATH");
        String[] line = {"--output-format=json", "--direct=0", "--bs=4k", "--size=2m", "--group_reporting",
                "--name=seqread", "--rw=read", "--filename=" + dir.resolve("a"),
                "--name=randwrite", "--rw=randwrite", "--filename=" + dir.resolve("b"), "--numjobs=2"};
        List<String> cmd = new ArrayList<>(List.of("fio"));
        cmd.addAll(List.of(line));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String fioOut = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        JsonNode fio = json(fioOut);
        List<String> ours = new ArrayList<>(List.of("fio"));
        ours.addAll(List.of(line));
        Run r = Cli.aioemu(ours.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        JsonNode us = json(r.out());
        assertEquals(names(fio), names(us));
        for (int i = 0; i < fio.get("jobs").size(); i++) {
            for (String d : List.of("read", "write")) {
                assertEquals(fio.get("jobs").get(i).get(d).get("io_bytes").asLong(),
                        us.get("jobs").get(i).get(d).get("io_bytes").asLong(), names(fio).get(i) + " " + d);
            }
        }
    }
}
