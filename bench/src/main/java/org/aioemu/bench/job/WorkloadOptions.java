package org.aioemu.bench.job;

import static org.aioemu.bench.job.OptionSpec.Kind.BOOL;
import static org.aioemu.bench.job.OptionSpec.Kind.CHOICE;
import static org.aioemu.bench.job.OptionSpec.Kind.INT;
import static org.aioemu.bench.job.OptionSpec.Kind.PER_DIRECTION;
import static org.aioemu.bench.job.OptionSpec.Kind.STRING;
import static org.aioemu.bench.job.OptionSpec.Kind.TIME;

import java.util.LinkedHashMap;
import java.util.Map;
import org.aioemu.bench.job.JobOptions.RwMode;

/** Rows of the option table for what I/O the job issues, how much, how fast and for how long. */
final class WorkloadOptions {
    private static final Map<String, RwMode> RW = new LinkedHashMap<>();

    static {
        for (RwMode m : RwMode.values()) {
            RW.put(m.fioName, m);
        }
        RW.put("readwrite", RwMode.RW);
    }

    private static final Map<String, JobOptions.Distribution> DISTRIBUTIONS = new LinkedHashMap<>();

    static {
        DISTRIBUTIONS.put("random", JobOptions.Distribution.RANDOM);
        DISTRIBUTIONS.put("zipf", JobOptions.Distribution.ZIPF);
        DISTRIBUTIONS.put("pareto", JobOptions.Distribution.PARETO);
        DISTRIBUTIONS.put("normal", JobOptions.Distribution.NORMAL);
        DISTRIBUTIONS.put("gauss", JobOptions.Distribution.GAUSS);
    }

    private static final Map<String, String> GENERATORS = new LinkedHashMap<>();

    static {
        for (String g : new String[]{"tausworthe", "lfsr", "tausworthe64"}) {
            GENERATORS.put(g, g);
        }
    }

    private WorkloadOptions() {
    }

    static void register(OptionTable.Builder b) {
        b.add("rw|readwrite", CHOICE, "read, write, trim, randread, randwrite, randtrim, rw, randrw, trimwrite; :N suffix",
                WorkloadOptions::rw);
        b.add("rwmixread", INT, "Percent of reads in rw/randrw (sets rwmixwrite to the rest)",
                (o, v, c) -> o.rwmixread = c.integer(v, 0, 100));
        b.add("rwmixwrite", INT, "Percent of writes in rw/randrw (sets rwmixread to the rest)",
                (o, v, c) -> o.rwmixread = 100 - c.integer(v, 0, 100));
        b.add("bs|blocksize", PER_DIRECTION, "Block size, per direction: read,write,trim",
                (o, v, c) -> PerDirection.apply(v, (d, p) -> o.bs[d] = c.blockSize(p)));
        b.add("bsrange|blocksize_range", PER_DIRECTION, "Block size range low-high, per direction",
                (o, v, c) -> PerDirection.apply(v, (d, p) -> {
                    long[] r = FioNumbers.range(p, false, 1, Integer.MAX_VALUE, c.kbBase);
                    o.bsrangeLow[d] = (int) r[0];
                    o.bsrangeHigh[d] = (int) r[1];
                }));
        b.add("bssplit", PER_DIRECTION, "Weighted block sizes bs/percent:bs/percent, per direction",
                (o, v, c) -> PerDirection.apply(v, (d, p) -> o.bssplit[d] = BsSplitParser.parse(p, c.kbBase)));
        b.add("bs_unaligned|blocksize_unaligned", BOOL, "Any size within bsrange, not multiples of the minimum",
                (o, v, c) -> o.blocksizeUnaligned = c.bool(v));
        b.add("ba|blockalign", PER_DIRECTION, "Alignment of random offsets, per direction",
                (o, v, c) -> PerDirection.apply(v, (d, p) -> o.ba[d] = c.blockSize(p)));
        b.add("flow", INT, "Weight in flow control: jobs of one flow_id issue requests in the ratio of their weights",
                (o, v, c) -> o.flow = c.integer(v, 0, 1000));
        b.add("flow_id", INT, "The flow this job's flow weight counts in (default 0, one for all)",
                (o, v, c) -> o.flowId = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("flow_sleep", INT, "Microseconds a job ahead of its flow share waits, once its queue has drained",
                (o, v, c) -> o.flowSleepMicros = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("iodepth", INT, "Requests kept in flight", (o, v, c) -> o.iodepth = c.integer(v, 1, JobLimits.MAX_IODEPTH));
        b.add("iodepth_low", INT, "Let a full queue drain to this depth before filling it again (default: iodepth)",
                (o, v, c) -> o.iodepthLow = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("iodepth_batch|iodepth_batch_submit", INT, "Requests submitted at once",
                (o, v, c) -> o.iodepthBatchSubmit = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("iodepth_batch_complete_min|iodepth_batch_complete", INT, "Completions to wait for at least",
                (o, v, c) -> o.iodepthBatchCompleteMin = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("iodepth_batch_complete_max", INT, "Completions to reap at most",
                (o, v, c) -> o.iodepthBatchCompleteMax = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("numjobs", INT, "Clones of this job", (o, v, c) -> o.numjobs = c.integer(v, 1, JobLimits.MAX_JOBS));
        b.add("disk_util", BOOL, "Report the block devices' utilisation (default 1)", (o, v, c) -> o.diskUtil = c.bool(v));
        b.add("group_reporting", BOOL, "Report the job's clones as one", (o, v, c) -> o.groupReporting = c.bool(v));
        b.add("runtime|timeout", TIME, "Stop after this time (seconds unless a unit is given)",
                (o, v, c) -> o.runtimeNanos = c.seconds(v));
        b.add("time_based", BOOL, "Run for the whole runtime, looping over the region",
                (o, v, c) -> o.timeBased = c.bool(v));
        b.add("ramp_time", TIME, "Run this long before measuring", (o, v, c) -> o.rampTimeNanos = c.seconds(v));
        b.add("startdelay", TIME, "Wait this long before starting", (o, v, c) -> {
            if (v.trim().indexOf('-', 1) > 0 || v.indexOf(':') > 0) {
                throw ValueException.unsupported("a random start delay from a range; give one time");
            }
            o.startdelayNanos = c.seconds(v);
        });
        b.add("loops", INT, "Repeat the job this many times", (o, v, c) -> o.loops = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("thinktime", TIME, "Pause between I/Os (microseconds unless a unit is given)",
                (o, v, c) -> o.thinktimeNanos = FioNumbers.timeNanos(v, FioNumbers.MICROSECOND));
        b.add("thinktime_blocks", INT, "I/Os between pauses (completed, or issued with thinktime_blocks_type=issue)",
                (o, v, c) -> o.thinktimeBlocks = c.integer(v, 0, Integer.MAX_VALUE));
        b.add("thinktime_blocks_type", CHOICE, "What thinktime_blocks counts: complete (default) or issue",
                (o, v, c) -> o.thinktimeOnIssue = ApplyContext.choice(v, Map.of("complete", false, "issue", true)));
        b.add("thinktime_iotime", TIME, "Pause after this long doing I/O (seconds unless a unit is given)",
                (o, v, c) -> o.thinktimeIoTimeNanos = FioNumbers.timeNanos(v, FioNumbers.SECOND));
        b.add("rate_ignore_thinktime", BOOL, "After a thinktime pause, go on at the rate rather than catch up",
                (o, v, c) -> o.rateIgnoreThinktime = c.bool(v));
        b.add("rate", PER_DIRECTION, "Bandwidth cap in bytes/s, per direction",
                (o, v, c) -> PerDirection.apply(v, (d, p) -> o.rate[d] = c.size(p)));
        b.add("rate_iops", PER_DIRECTION, "IOPS cap, per direction",
                (o, v, c) -> PerDirection.apply(v, (d, p) -> o.rateIops[d] = c.longInteger(p, 0)));
        b.add("rate_min|ratemin", PER_DIRECTION, "Minimum bandwidth in bytes/s, per direction",
                (o, v, c) -> PerDirection.apply(v, (d, p) -> o.rateMin[d] = c.size(p)));
        b.add("rate_iops_min", PER_DIRECTION, "Minimum IOPS, per direction",
                (o, v, c) -> PerDirection.apply(v, (d, p) -> o.rateIopsMin[d] = c.longInteger(p, 0)));
        b.add("rate_process", CHOICE, "How rated requests are spaced: linear (fixed gaps) or poisson (exponential gaps)",
                (o, v, c) -> o.ratePoisson = ApplyContext.choice(v, java.util.Map.of("linear", false, "poisson", true)));
        b.add("rate_cycle|ratecycle", INT, "Milliseconds over which rate_min and rate_iops_min are judged (default 1000)",
                (o, v, c) -> o.rateCycleMillis = c.longInteger(v, 1));
        b.add("stonewall|wait_for_previous", BOOL, "Wait for the jobs before to finish", (o, v, c) -> o.stonewall = c.bool(v));
        b.add("number_ios", INT, "End the job after this many I/Os, unless size or runtime ends it first",
                (o, v, c) -> o.numberIos = c.longInteger(v, 0));
        b.add("exitall", BOOL, "When this job ends, stop the others in exit_what's scope", (o, v, c) -> o.exitall = c.bool(v));
        b.add("exitall_on_error", BOOL, "When this job ends in error, stop the others in exit_what's scope",
                (o, v, c) -> o.exitallOnError = c.bool(v));
        b.add("exit_what", CHOICE, "Whom exitall stops: group (default), stonewall (every running job), all",
                (o, v, c) -> o.exitWhat = ApplyContext.choice(v, java.util.Map.of("group", "group", "stonewall", "stonewall", "all", "all")));
        b.add("rw_sequencer", CHOICE, "With rw=rand...:N: sequential (the next N-1 follow on) or identical (repeat the offset)",
                (o, v, c) -> o.rwSequencerIdentical = ApplyContext.choice(v, java.util.Map.of("sequential", false, "identical", true)));
        b.add("max_latency", TIME, "End the job with ETIMEDOUT when a request takes longer (microseconds unless a unit is given)",
                (o, v, c) -> o.maxLatencyNanos = FioNumbers.timeNanos(v, FioNumbers.MICROSECOND));
        b.add("latency_target", TIME, "Find the deepest queue (up to iodepth) whose requests meet this latency"
                + " (microseconds unless a unit is given)", (o, v, c) -> o.latencyTargetNanos = FioNumbers.timeNanos(v, FioNumbers.MICROSECOND));
        b.add("latency_window", TIME, "How long each depth of the latency_target search is measured (microseconds unless"
                + " a unit is given)", (o, v, c) -> o.latencyWindowNanos = FioNumbers.timeNanos(v, FioNumbers.MICROSECOND));
        b.add("latency_percentile", STRING, "The share of requests, in percent, that must meet latency_target (default 100)",
                (o, v, c) -> {
                    double pct;
                    String first = v.trim();
                    if (first.indexOf(':') >= 0) {
                        // fio takes a list and uses its first value; "" and ":" have none (split gives no element).
                        first = first.substring(0, first.indexOf(':'));
                    }
                    try {
                        pct = Double.parseDouble(first);
                    } catch (NumberFormatException e) {
                        throw ValueException.expected("a percentage (got '" + v.trim() + "')");
                    }
                    if (!(pct > 0 && pct <= 100)) {
                        throw ValueException.expected("a percentage above 0, at most 100 (got " + v.trim() + ")");
                    }
                    o.latencyPercentile = pct;
                });
        b.add("latency_run", BOOL, "Keep searching for the latency_target depth instead of ending once it is found",
                (o, v, c) -> o.latencyRun = c.bool(v));
        b.add("steadystate|ss", STRING, "Steady-state test: iops, iops_slope, bw or bw_slope, ':' and a limit (absolute,"
                + " or a percentage of the mean with %); default iops_slope:0.01%", (o, v, c) -> SteadyStateOption.apply(o, v, c));
        b.add("steadystate_duration|ss_dur", TIME, "Window of the steady-state test; the job ends once steady"
                + " (seconds unless a unit is given)", (o, v, c) -> o.ssDurationNanos = FioNumbers.timeNanos(v, FioNumbers.SECOND));
        b.add("steadystate_ramp_time|ss_ramp", TIME, "Time before the steady-state samples start (seconds unless a unit"
                + " is given)", (o, v, c) -> o.ssRampNanos = FioNumbers.timeNanos(v, FioNumbers.SECOND));
        b.add("wait_for", STRING, "Start once every clone of the named earlier job has finished",
                (o, v, c) -> o.waitFor = v.trim().isEmpty() ? null : v.trim());
        b.add("new_group", BOOL, "Start a new reporting group", (o, v, c) -> o.newGroup = c.bool(v));
        b.add("norandommap", BOOL, "Random offsets without covering every block", (o, v, c) -> o.norandommap = c.bool(v));
        b.add("randrepeat", BOOL, "Same random sequence on every run, from randseed (default on)", (o, v, c) -> o.randrepeat = c.bool(v));
        b.add("allrandrepeat", BOOL, "Every random stream from fio's fixed seed, whatever randrepeat and randseed say",
                (o, v, c) -> o.allrandrepeat = c.bool(v));
        b.add("randseed", INT, "Seed of the random generators", (o, v, c) -> {
            o.randseed = c.longInteger(v, 0);
            o.randseedGiven = true;
        });
        b.add("random_distribution", CHOICE, "random, zipf:theta, pareto:h, normal:sigma (gauss)",
                WorkloadOptions::randomDistribution);
        b.add("random_generator", CHOICE, "tausworthe, lfsr, tausworthe64",
                (o, v, c) -> o.randomGenerator = ApplyContext.choice(v, GENERATORS));
        b.add("percentage_random", PER_DIRECTION, "Percent of random offsets in a random workload, per direction",
                (o, v, c) -> PerDirection.apply(v, (d, p) -> o.percentageRandom[d] = c.integer(p, 0, 100)));
    }

    /** {@code mode[:N]}: N I/Os per random offset, or bytes skipped after each sequential I/O. */
    private static void rw(JobOptions o, String v, ApplyContext c) {
        String t = v.trim();
        int colon = t.indexOf(':');
        String mode = colon < 0 ? t : t.substring(0, colon);
        if (mode.equals("randtrimwrite")) {
            throw ValueException.unsupported("its modes are " + String.join(", ", RW.keySet()));
        }
        o.rw = ApplyContext.choice(mode, RW);
        String n = colon < 0 ? "" : t.substring(colon + 1).trim();
        // fio takes "randread:" as no modifier; anything after the colon must be a number here. A negative
        // one (rw=read:-8k) walks a sequential job backwards.
        boolean backwards = n.startsWith("-");
        if (backwards && o.rw.random) {
            throw ValueException.expected("a count of I/Os per random offset after " + mode + ": (a negative :N walks a sequential mode backwards)");
        }
        o.rwSequencer = n.isEmpty() ? 0 : backwards ? -c.size(n.substring(1).trim()) : c.size(n);
    }

    /**
     * {@code kind[:param]}. Parameter defaults and ranges are fio's: zipf theta 1.1 (not 1), pareto h 0.2
     * (0 &lt; h &lt; 1), normal deviation 0 (0 &le; d &lt; 100). {@code gauss} is aioemu's name for fio's normal
     * (fio 3.33 refuses it). fio's second parameter (the distribution's centre) is refused as unsupported.
     * {@code zoned:A/S:...} and {@code zoned_abs:A/SIZE:...} take a list per direction separated by ','; a
     * direction without its own list takes the first.
     */
    private static void randomDistribution(JobOptions o, String v, ApplyContext c) {
        String[] parts = v.trim().split(":", -1);
        if (parts[0].equals("zoned") || parts[0].equals("zoned_abs")) {
            String t = v.trim();
            String spec = t.length() > parts[0].length() ? t.substring(parts[0].length() + 1) : "";
            if (spec.isBlank()) {
                throw ValueException.expected("access%/size pairs after " + parts[0] + ":, such as zoned:50/5:30/15:20/");
            }
            String[] lists = spec.split(",", -1);
            if (lists.length > 3) {
                throw ValueException.expected("at most three lists (read, write, trim) separated by ','");
            }
            ZoneSplit[] zones = new ZoneSplit[3];
            for (int d = 0; d < 3; d++) {
                zones[d] = d < lists.length && !lists[d].isBlank()
                        ? ZoneSplit.parse(lists[d].trim(), parts[0].equals("zoned_abs"), c) : zones[0];
            }
            o.randomDistribution = JobOptions.Distribution.ZONED;
            o.randomDistributionParam = 0;
            o.zones = zones;
            return;
        }
        JobOptions.Distribution kind = ApplyContext.choice(parts[0], DISTRIBUTIONS);
        double dflt = switch (kind) {
            case ZIPF -> 1.1;
            case PARETO -> 0.2;
            default -> 0.0;
        };
        if (kind == JobOptions.Distribution.RANDOM && parts.length > 1) {
            throw ValueException.expected("no parameter after random");
        }
        double p = parts.length > 1 ? FioNumbers.decimal(parts[1], "a number after the ':', such as zipf:1.2") : dflt;
        if (parts.length > 2) {
            throw ValueException.unsupported("the second parameter (the distribution's centre)");
        }
        switch (kind) {
            case ZIPF -> check(p > 0 && p != 1.0, "a zipf theta above 0 other than 1, such as zipf:1.2");
            case PARETO -> check(p > 0 && p < 1.0, "a pareto h between 0 and 1, such as pareto:0.9");
            case NORMAL, GAUSS -> check(p >= 0 && p < 100.0, "a deviation from 0 to below 100, such as normal:5");
            default -> {
            }
        }
        o.randomDistribution = kind;
        o.randomDistributionParam = p;
    }

    private static void check(boolean ok, String expected) {
        if (!ok) {
            throw ValueException.expected(expected);
        }
    }
}
