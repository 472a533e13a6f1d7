package org.aioemu.bench.workload;

import java.lang.foreign.ValueLayout;
import org.aioemu.bench.job.JobOptions;

/**
 * What a request that completed without error means for the job's data: a read is checked where the job verifies
 * (its pattern or header, or zeroes after a trim with trim_verify_zero), and a write is entered in the written-block
 * log (for the verify phase) and in the verify state (verify_state_save). The queue's side of a completion — the
 * statistics, latency and rate checks, the refill — stays with the {@link IssueLoop}.
 *
 * <p>Threading: the job's loop only, like the issue loop that calls it.
 */
final class CompletedData {
    private final JobParts p;
    private final IssueLoop.Owner owner;

    CompletedData(JobParts parts, IssueLoop.Owner owner) {
        this.p = parts;
        this.owner = owner;
    }

    /** {@code s} completed with {@code result} bytes (at least 0), in the main phase or not. */
    void completed(IoSlot s, int result, boolean mainPhase) {
        if (s.expectZeroes) {
            String bad = zeroesMismatch(s, Math.min(result, s.length));
            if (bad != null) {
                owner.badRead(s, bad);
            }
        } else if (s.ddir == JobOptions.READ && p.checkReads(s.verifying, mainPhase)) {
            String bad = p.checkers[s.file].check(s.buffer, s.offset, Math.min(result, s.length));
            if (bad != null) {
                owner.badRead(s, bad);
            }
        }
        if (s.ddir == JobOptions.WRITE && p.written != null) {
            p.written.add(s.file, s.offset, s.length);
        }
        if (s.ddir == JobOptions.WRITE && mainPhase && p.verifyState != null) {
            p.verifyState.completed(s.file, s.offset);
        }
    }

    /** A trimmed block's read-back: null if all {@code length} bytes are zero, else where the first is not. */
    static String zeroesMismatch(IoSlot s, int length) {
        for (int i = 0; i < length; i++) {
            byte b = s.buffer.get(ValueLayout.JAVA_BYTE, i);
            if (b != 0) {
                return "trimmed block reads back non-zero (byte " + i + " is 0x" + Integer.toHexString(b & 0xff)
                        + "): trim_verify_zero expects zeroes";
            }
        }
        return null;
    }
}
