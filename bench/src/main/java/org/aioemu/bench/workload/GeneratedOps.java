package org.aioemu.bench.workload;

import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.aioemu.bench.job.JobOptions;

/**
 * The operations of an ordinary job, generated from its options: the direction (rw=, rwmixread, trimwrite:
 * a trim whose slot then writes the same block), the size ({@link BlockSizes}), the file (file_service_type:
 * fio's round robin by default, sequential or random, {@link #pickFile}) and the offset ({@link FileCursor}).
 *
 * <p>A size-based job issues {@code io_size} bytes (else the regions' total) per loop, {@code loops} times;
 * each loop starts the offsets and the random map afresh and, with randrepeat, replays the same random
 * sequence. A time-based job never runs out. Offsets, directions and sizes each have their own stream,
 * seeded from the job seed. number_ios ends any job after that many operations. Loop only.
 */
final class GeneratedOps implements OpSource {
    private final JobOptions o;
    private final BlockSizes sizes;
    private final FileCursor[] cursors;
    /** Per file, per direction: the offset distribution over that file's aligned start positions. */
    private final Distributions[][] dists;
    private final long seed;
    private final boolean infinite;
    private final long passBytes;
    private final boolean random;
    private final boolean mixed;
    private final int fixedDir;
    /** The job's rate limits, which steer a mixed job's direction as fio's do; null for none. */
    private final RateLimiter rate;

    private RandomGenerator offsets;
    /** The most aligned start positions in any file: picks tausworthe64 past 2^32, as fio does. */
    private final long maxBlocks;
    private SplittableRandom directions;
    private SplittableRandom blockSizes;
    private SplittableRandom sequencing;
    private long issuedInPass;
    private long doneBytesBefore;
    private int loopsLeft;
    private boolean betweenLoops;
    private int nextFile;
    /** Operations handed out, over every loop: number_ios counts them (reads, writes and trims alike). */
    private long handedOut;
    /** file_service_type state: the file in use, I/Os on it, bytes on it (sequential), random choices. */
    private int current;
    private int iosOnFile;
    private long bytesOnFile;
    private SplittableRandom fileChoice;

    GeneratedOps(JobOptions o, List<FileSpec> files, BlockSizes sizes, long seed, boolean[] used, RateLimiter rate) {
        this.o = o;
        this.rate = rate;
        this.sizes = sizes;
        this.seed = seed;
        this.infinite = o.timeBased;
        this.random = o.rw.random;
        this.mixed = o.rw.reads() && o.rw.writes();
        this.fixedDir = o.rw.trims() ? JobOptions.TRIM : o.rw.writes() ? JobOptions.WRITE : JobOptions.READ;
        int unit = Integer.MAX_VALUE;
        for (int d = 0; d < 3; d++) {
            if (used[d]) {
                unit = Math.min(unit, sizes.align(d));
            }
        }
        boolean uniform = o.randomDistribution == JobOptions.Distribution.RANDOM;
        boolean lfsr = random && uniform && "lfsr".equals(o.randomGenerator) && unit > 0;
        boolean useMap = random && !o.norandommap && uniform && !lfsr
                && unit > 0 && sizes.allMultiplesOf(unit, used);
        long most = 1;
        long total = 0;
        cursors = new FileCursor[files.size()];
        for (int i = 0; i < cursors.length; i++) {
            FileSpec f = files.get(i);
            long skip = random ? 0 : o.rwSequencer;
            long blocks = FileCursor.slots(f.region(), (int) Math.min(sizes.min(), f.region()), Math.max(1, unit));
            most = Math.max(most, blocks);
            BlockPermutation order = lfsr ? new BlockPermutation(blocks, Seeds.mix(seed, Seeds.OFFSETS) + i) : null;
            boolean zoned = o.zoneStrided && o.zoneSize > 0;
            cursors[i] = new FileCursor(f.offset(), f.region(), skip, !zoned && useMap && f.region() / unit > 0, unit,
                    zoned ? null : order);
            cursors[i].identicalRepeats(o.rwSequencerIdentical);
            if (zoned) {
                // fio walks the zones over the whole file from the offset, not only the job's size.
                long fileEnd = Math.max(f.createSize(), f.existingSize());
                cursors[i].zones(new StridedZones(o.zoneSize, o.zoneRange, o.zoneSkip, Math.max(f.region(), fileEnd - f.offset())));
            }
            total += f.region();
        }
        this.maxBlocks = most;
        this.passBytes = o.ioSize > 0 ? o.ioSize : total;
        this.dists = new Distributions[cursors.length][3];
        for (int i = 0; i < cursors.length; i++) {
            long region = cursors[i].region();
            for (int d = 0; d < 3; d++) {
                int align = Math.max(1, sizes.align(d));
                long slots = FileCursor.slots(region, (int) Math.min(sizes.min(), region), align);
                dists[i][d] = o.randomDistribution == JobOptions.Distribution.ZONED
                        ? Distributions.zoned(o.zones[d], slots, align)
                        : Distributions.of(o.randomDistribution, o.randomDistributionParam, slots);
            }
        }
        this.loopsLeft = Math.max(1, o.loops);
        startLoop();
    }

    private void startLoop() {
        offsets = Tausworthe.forBlocks(o.randomGenerator, maxBlocks, Seeds.mix(seed, Seeds.OFFSETS));
        directions = new SplittableRandom(Seeds.mix(seed, Seeds.DIRECTIONS));
        blockSizes = new SplittableRandom(Seeds.mix(seed, Seeds.BLOCK_SIZES));
        sequencing = new SplittableRandom(Seeds.mix(seed, Seeds.SEQUENCING));
        for (FileCursor c : cursors) {
            c.reset();
        }
        issuedInPass = 0;
        nextFile = 0;
        current = 0;
        iosOnFile = 0;
        bytesOnFile = 0;
        fileChoice = new SplittableRandom(Seeds.mix(seed, Seeds.FILES));
    }

    @Override
    public boolean betweenLoops() {
        return betweenLoops;
    }

    /** unlink_each_loop: the files are new; the next loop starts. */
    @Override
    public void nextLoop() {
        betweenLoops = false;
        doneBytesBefore += issuedInPass;
        startLoop();
    }

    @Override
    public boolean next(IoSlot s) {
        if (betweenLoops) {
            return false;
        }
        if (o.numberIos > 0 && handedOut >= o.numberIos) {
            return false; // fio: number_ios only shortens a job, it never extends one
        }
        int d = direction();
        int len = sizes.pick(d, blockSizes);
        if (!infinite) {
            long left = passBytes - issuedInPass;
            if (left < sizes.min()) {
                if (--loopsLeft <= 0) {
                    return false;
                }
                if (o.unlinkEachLoop) {
                    betweenLoops = true; // the queue drains first, as fio ends each loop before it unlinks
                    return false;
                }
                doneBytesBefore += issuedInPass;
                startLoop();
                left = passBytes;
            }
            if (len > left) {
                len = (int) (left - left % Math.max(1, sizes.align(d)));
                if (len <= 0) {
                    len = (int) left;
                }
            }
        }
        int f = pickFile(len);
        FileCursor c = cursors[f];
        long off = random
                ? c.random(d, len, Math.max(1, sizes.align(d)), dists[f][d], offsets, sequencing, o.rwSequencer, o.percentageRandom[d])
                : c.sequential(d, len);
        len = c.length();
        issuedInPass += len;
        handedOut++;
        s.set(d, f, off, len);
        s.chainWrite = o.rw == JobOptions.RwMode.TRIMWRITE;
        return true;
    }

    /**
     * fio's file_service_type: round robin (its default), one file to its end before the next (sequential), or
     * a random file; each stays on a file for fileServiceN I/Os before switching.
     */
    private int pickFile(int len) {
        int n = cursors.length;
        if (n == 1) {
            return 0;
        }
        if (o.fileService.equals("sequential")) {
            int f = nextFile;
            bytesOnFile += len;
            if (bytesOnFile >= cursors[f].region()) {
                bytesOnFile = 0;
                nextFile = f + 1 == n ? 0 : f + 1;
            }
            return f;
        }
        if (iosOnFile == 0) {
            current = o.fileService.equals("random") ? fileChoice.nextInt(n) : nextFile;
            nextFile = nextFile + 1 == n ? 0 : nextFile + 1;
        }
        iosOnFile = iosOnFile + 1 == o.fileServiceN ? 0 : iosOnFile + 1;
        return current;
    }

    private int direction() {
        if (!mixed) {
            return fixedDir;
        }
        int d = directions.nextInt(100) < o.rwmixread ? JobOptions.READ : JobOptions.WRITE;
        if (rate != null && rate.limits()) {
            boolean otherInMix = d == JobOptions.READ ? o.rwmixread < 100 : o.rwmixread > 0;
            d = rate.direction(d, otherInMix, System.nanoTime());
        }
        return d;
    }

    @Override
    public double progress() {
        if (infinite) {
            return -1;
        }
        double total = (double) passBytes * Math.max(1, o.loops);
        return Math.min(1.0, (doneBytesBefore + issuedInPass) / total);
    }
}
