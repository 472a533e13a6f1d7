package org.aioemu.bench.workload;

import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.aioemu.bench.data.BufferFiller;
import org.aioemu.bench.data.Verifier;
import org.aioemu.bench.job.JobOptions;

/**
 * The runner's buffer contents and verification, as fio makes them: the data package's {@link BufferFiller}
 * (zero_buffers, buffer_pattern, buffer_compress_percentage, refill_buffers, scramble_buffers) for writes, and
 * its {@link Verifier} (crc32c/md5 block headers, verify_pattern) for jobs that verify. Overlapping writes are
 * handled where fio handles them, in what the read-back checks ({@link WrittenLog#survivors}).
 *
 * <p>Each product is confined to the job's loop, as the adapted classes are.
 */
final class FioData implements DataFactory {
    static final FioData FACTORY = new FioData();

    private FioData() {
    }

    @Override
    public WriteDataSource writer(JobOptions job, int fileIndex, long seed) {
        if (job.verify != JobOptions.Verify.NONE) {
            return new Verifier(job, seed)::prepare;
        }
        BufferFiller filler = new BufferFiller(job, seed);
        // A slot's buffer may last have been read into when the job also reads: fill it afresh then;
        // a write-only job keeps its buffers and refills them as fio does (new data or a scramble).
        boolean mixed = job.rw.reads() || job.rw.trims();
        return mixed ? (buf, offset, length) -> filler.fill(buf, length) : new Refilling(filler);
    }

    @Override
    public ReadChecker checker(JobOptions job, int fileIndex, long seed) {
        return job.verify == JobOptions.Verify.NONE ? null : new Verifier(job, seed)::check;
    }

    /** The first write of each buffer fills it; later ones refill (fio's refill_buffers/scramble_buffers). */
    private static final class Refilling implements WriteDataSource {
        private final BufferFiller filler;
        /** The slot buffers seen so far; a job has iodepth of them, so this stops growing after the first round. */
        private final Set<MemorySegment> filled = Collections.newSetFromMap(new IdentityHashMap<>());

        Refilling(BufferFiller filler) {
            this.filler = filler;
        }

        @Override
        public void fill(MemorySegment buf, long offset, int length) {
            if (filled.add(buf)) {
                filler.fill(buf, length);
            } else {
                filler.refill(buf, length);
            }
        }
    }
}
