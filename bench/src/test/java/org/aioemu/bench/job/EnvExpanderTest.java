package org.aioemu.bench.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ${VAR} (fio's) and $VAR (aioemu's, only when set) in values. */
class EnvExpanderTest {
    private static final Map<String, String> ENV = Map.of("SIZE", "64m", "DIR", "/tmp", "EMPTY", "", "A_1", "x");

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "${SIZE}|64m", "${DIR}/f|/tmp/f", "pre${NOPE}fix|prefix", "${EMPTY}x|x", "$SIZE|64m", "$DIR/f|/tmp/f",
        "$A_1.$A_1|x.x", "$NOPE|$NOPE", "$pagesize|$pagesize", "a$|a$", "$|$", "$5|$5", "${SIZE|${SIZE",
        "${}|''", "no dollars|no dollars", "$$SIZE|$64m", "${DIR}${SIZE}|/tmp64m",
    })
    void expands(String in, String out) {
        assertEquals(out.equals("''") ? "" : out, EnvExpander.expand(in, ENV));
    }

    @Test
    void fiosKeywordsAndTheirArithmeticAsFio333Evaluates() {
        FioKeywords.Machine m = new FioKeywords.Machine(4096, 23993, 2);
        // Each pair: the value as written, and what fio --showcmd shows for it on a machine like m.
        String[][] cases = {{"$mb_memory/4096", "5"}, {"8*$pagesize", "32768"}, {"(2*$pagesize)", "8192"},
                {"$ncpus", "2"}, {"$pagesize", "4096"}, {"2m+4k", "2m+4k"}, {"4k", "4k"}, {"$ncpus*2-1", "3"},
                {"($mb_memory%1000)", "993"}, {"-$ncpus+3", "1"}};
        for (String[] c : cases) {
            org.junit.jupiter.api.Assertions.assertEquals(c[1], FioKeywords.replace(c[0], m), c[0]);
        }
        for (String bad : new String[] {"$ncpus/0", "($ncpus", "$ncpus*x"}) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> FioKeywords.replace(bad, m), bad);
        }
        org.junit.jupiter.api.Assertions.assertTrue(FioKeywords.Machine.current().mbMemory() > 0);
    }

    @Test
    void anUnsetVariableIsNamedWhenItsValueFails() {
        JobFileParser p = new JobFileParser(java.util.Map.of("SET", "1"));
        JobFileException e = org.junit.jupiter.api.Assertions.assertThrows(JobFileException.class,
                () -> p.parse(java.nio.file.Path.of("v.fio"), "[j]\nsize=${NOPE}\n"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("v.fio:2: bad value for 'size': ''")
                && e.getMessage().endsWith("(written '${NOPE}'; not set in the environment: NOPE)"), e.getMessage());
        JobFileParser k = new JobFileParser(java.util.Map.of(), new JobOptions(), new FioKeywords.Machine(4096, 1000, 3));
        JobOptions j = k.parse(java.nio.file.Path.of("k.fio"), "[j]\nnumjobs=$ncpus\nsize=$mb_memory/2\nbs=2*$pagesize\n").get(0);
        org.junit.jupiter.api.Assertions.assertEquals(3, j.numjobs);
        org.junit.jupiter.api.Assertions.assertEquals(500, j.size, "fio takes the bare number as bytes");
        org.junit.jupiter.api.Assertions.assertEquals(8192, j.bs[0]);
    }
}
