package org.aioemu.bench.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
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
}
