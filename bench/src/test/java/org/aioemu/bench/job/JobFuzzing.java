package org.aioemu.bench.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/**
 * What the job fuzz tests hold a refusal's message to: it starts with where the mistake is, as
 * {@link JobFileException} promises, and says something after it. (Whether it reads well is for the example-based
 * tests: a fuzzed value is echoed in the message, so its words cannot be judged here.)
 */
final class JobFuzzing {
    private JobFuzzing() {
    }

    /** A job file's refusal: "FILE:LINE: ..." or "FILE: ..." for the file or one it includes. */
    static void assertNamesFile(JobFileException e, String file) {
        String m = message(e);
        assertTrue(m.startsWith(file + ":"), m);
        assertFalse(m.substring(file.length() + 1).isBlank(), m);
    }

    /** A command line's refusal: starts with the argument it is about (fio's "--bs=4q: ..."). */
    static void assertNamesArgument(JobFileException e, List<String> args) {
        String m = message(e);
        // a blank argument is named quoted ("'': an empty argument ..."), else the message would start with ": "
        assertTrue(args.stream().anyMatch(a -> a.isBlank() ? m.startsWith("'" + a + "': ") : m.startsWith(a)),
                () -> m + "\n args: " + args);
    }

    private static String message(JobFileException e) {
        String m = e.getMessage();
        assertNotNull(m, "a refusal without a message");
        assertFalse(m.isBlank(), "a blank message");
        return m;
    }
}
