package org.aioemu.bench;

import java.lang.foreign.MemorySegment;
import org.aioemu.bench.data.BufferFiller;
import org.aioemu.bench.data.Verifier;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.workload.DataFactory;
import org.aioemu.bench.workload.ReadChecker;
import org.aioemu.bench.workload.RunSettings;
import org.aioemu.bench.workload.WriteDataSource;

/**
 * Plugs the data package (fio's buffer contents: compressible, patterned, scrambled; crc32c/md5 verify
 * headers) into the workload runner, whose own built-in data is the simpler fallback. Each adapter is
 * confined to the thread the runner gives it, as the adapted classes are. (Traces and log files are the
 * runner's defaults already: the iolog package.)
 */
final class Integration {
    private Integration() {
    }

    /** The runner's settings with aioemu's full data, trace and log components. */
    static RunSettings settings() {
        return RunSettings.defaults().withData(new Data());
    }

    /** BufferFiller for writes (Verifier when the job verifies); Verifier for reads that check. */
    private static final class Data implements DataFactory {
        @Override
        public WriteDataSource writer(JobOptions job, int fileIndex, long seed) {
            if (job.verify != JobOptions.Verify.NONE) {
                Verifier v = new Verifier(job, seed);
                return v::prepare;
            }
            BufferFiller filler = new BufferFiller(job, seed);
            // A slot's buffer may last have been read into when the job also reads: fill it afresh then;
            // a write-only job keeps its buffers and refills them as fio does (new data or a scramble).
            boolean mixed = job.rw.reads() || job.rw.trims();
            return mixed ? (buf, offset, length) -> filler.fill(buf, length) : new Refilling(filler);
        }

        @Override
        public ReadChecker checker(JobOptions job, int fileIndex, long seed) {
            if (job.verify == JobOptions.Verify.NONE) {
                return null;
            }
            Verifier v = new Verifier(job, seed);
            return v::check;
        }
    }

    /** The first write of each buffer fills it; later ones refill (fio's refill_buffers/scramble_buffers). */
    private static final class Refilling implements WriteDataSource {
        private final BufferFiller filler;
        private final java.util.Set<MemorySegment> filled = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

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
