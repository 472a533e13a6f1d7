package org.aioemu.bench.workload;

/** Counts a job's verify failures and keeps the first one's description. Loop only. */
final class VerifyTally {
    private long errors;
    private String first;

    /** Counts one bad read of {@code s} from {@code file}; returns its description. */
    String bad(IoSlot s, String file, String what) {
        errors++;
        String msg = describe(s, file, what);
        if (first == null) {
            first = msg;
        }
        return msg;
    }

    /** The description of a bad read, without counting it (one continue_on_error passes over). */
    static String describe(IoSlot s, String file, String what) {
        return "verify failed reading " + s.length + " bytes at offset " + s.offset + " of " + file + ": " + what;
    }

    boolean any() {
        return errors > 0;
    }

    /** The job's error message: the first failure, and how many more there were. */
    String message() {
        return first + (errors > 1 ? " (and " + (errors - 1) + " more bad blocks)" : "");
    }
}
