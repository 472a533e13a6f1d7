package org.aioemu.bench.workload;

import org.aioemu.bench.data.VerifyState;

/**
 * verify_state_save: counts a verifying job's writes as they go out and keeps the last iodepth that completed (a
 * ring), which is what a later verify_state_load run needs to know how far the job got. Loop only while the job
 * runs; read by {@link #state} on the runner thread after the job has ended (the job's end publishes it).
 */
final class VerifyStateRecorder {
    private final int depth;
    private final long[] files;
    private final long[] offsets;
    private int next;
    private int count;
    private long issued;

    VerifyStateRecorder(int depth) {
        this.depth = Math.max(1, depth);
        this.files = new long[this.depth];
        this.offsets = new long[this.depth];
    }

    void issued() {
        issued++;
    }

    void completed(int file, long offset) {
        files[next] = file;
        offsets[next] = offset;
        next = next + 1 == depth ? 0 : next + 1;
        count = Math.min(count + 1, depth);
    }

    /** The state to save, the completions oldest first. */
    VerifyState state(String name, long index) {
        long[] f = new long[count];
        long[] o = new long[count];
        for (int i = 0; i < count; i++) {
            int at = Math.floorMod(next - count + i, depth);
            f[i] = files[at];
            o[i] = offsets[at];
        }
        return new VerifyState(name, index, issued, depth, f, o);
    }
}
