package org.aioemu.bench.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/fio-options.md is what the option table says; run bench/regen-options-doc after changing options. */
class OptionsDocTest {
    static final Path DOC = Path.of("..", "docs", "fio-options.md");

    @Test
    void theCommittedTableIsTheGeneratedOne() throws Exception {
        String generated = OptionsDoc.markdown();
        if (Boolean.getBoolean("aioemu.regen")) {
            Files.createDirectories(DOC.getParent());
            Files.writeString(DOC, generated);
        }
        assertTrue(Files.exists(DOC), DOC.toAbsolutePath() + " is missing: run bench/regen-options-doc");
        assertEquals(generated, Files.readString(DOC), "docs/fio-options.md is stale: run bench/regen-options-doc");
    }

    @Test
    void everyRowHasAStatusAndEveryFioOptionIsThere() {
        String doc = OptionsDoc.markdown();
        for (String name : FioOptionNames.all()) {
            assertTrue(doc.contains("| `" + name + "` | "), name);
        }
        assertTrue(doc.contains("| `rate_process` | done |"), "rate_process is done");
        assertTrue(doc.contains("| `thread` | notice |"));
        assertTrue(doc.contains("| `flow` | done |"));
    }
}
