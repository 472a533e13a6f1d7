package org.aioemu.bench.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.aioemu.bench.job.JobOptions;

/**
 * fio's {@code --output-format=json} (and {@code json+}, which adds the latency "bins"): the same
 * objects and field names as fio 3.33, so tools written for fio results read ours. One job object per
 * report block, so a group_reporting group is one object, as in fio.
 */
final class JsonReport {
    private static final String[] DIRECTIONS = {"read", "write", "trim"};

    private JsonReport() {
    }

    static ObjectNode build(List<Groups.Group> groups, ReportContext ctx, boolean plus) {
        ObjectNode root = FioJson.MAPPER.createObjectNode();
        root.put("fio version", ctx.version());
        root.put("timestamp", ctx.nowEpochMillis() / 1000);
        root.put("timestamp_ms", ctx.nowEpochMillis());
        root.put("time", ctx.ctime(ctx.nowEpochMillis()));
        if (!ctx.globalOptions().isEmpty()) {
            ObjectNode global = root.putObject("global options");
            ctx.globalOptions().forEach(global::put);
        }
        var jobs = root.putArray("jobs");
        for (Groups.Group g : groups) {
            for (JobStats block : g.blocks()) {
                jobs.add(job(block, g, ctx, plus));
            }
        }
        var disks = root.putArray("disk_util");
        for (DiskUtil d : ctx.disks()) {
            ObjectNode n = disks.addObject();
            n.put("name", d.name());
            n.put("read_ios", d.readIos());
            n.put("write_ios", d.writeIos());
            n.put("read_merges", d.readMerges());
            n.put("write_merges", d.writeMerges());
            n.put("read_ticks", d.readTicks());
            n.put("write_ticks", d.writeTicks());
            n.put("in_queue", d.inQueue());
            n.set("util", FioJson.decimal(d.utilPercent()));
        }
        return root;
    }

    private static ObjectNode job(JobStats job, Groups.Group group, ReportContext ctx, boolean plus) {
        ObjectNode o = FioJson.MAPPER.createObjectNode();
        o.put("jobname", job.options.name);
        o.put("groupid", job.groupId);
        o.put("error", job.reportedError());
        o.put("eta", 0);
        long elapsedMillis = job.startEpochMillis > 0 ? ctx.nowEpochMillis() - job.startEpochMillis : job.runtimeNanos / 1_000_000;
        o.put("elapsed", Math.max(1, (elapsedMillis + 999) / 1000));
        jobOptions(o.putObject("job options"), job.options, ctx.globalOptions());
        int unified = job.options.unifiedRwReporting;
        if (unified == 1) {
            // fio's unified_rw_reporting=mixed: one "mixed" section where read, write, trim and sync would be
            o.set("mixed", direction(job, JobOptions.MIXED, group.status()[JobOptions.MIXED], plus));
        } else {
            directions(o, job, group, plus);
        }
        if (unified == 2) {
            o.set("mixed", direction(job, JobOptions.MIXED, group.status()[JobOptions.MIXED], plus));
        }
        // fio sums runtime over merged jobs here (and only here).
        o.put("job_runtime", job.runtimeNanos / 1_000_000 * Math.max(1, job.jobs));
        if (job.replayLateness != null && job.replayLateness.getTotalCount() > 0) {
            // aioemu's own (fio has no such field): how late each replayed request was issued.
            ObjectNode late = o.putObject("replay_lateness_ns");
            late.put("N", job.replayLateness.getTotalCount());
            late.put("p50", job.replayLateness.getValueAtPercentile(50));
            late.put("p99", job.replayLateness.getValueAtPercentile(99));
            late.put("max", job.replayLateness.getMaxValue());
        }
        int jobs = Math.max(1, job.jobs);
        o.set("usr_cpu", FioJson.decimal(job.usrCpuPercent / jobs));
        o.set("sys_cpu", FioJson.decimal(job.sysCpuPercent / jobs));
        o.put("ctx", job.contextSwitches);
        o.put("majf", job.majorFaults);
        o.put("minf", job.minorFaults);
        table(o.putObject("iodepth_level"), Distributions.DEPTH_LABELS, Distributions.percents(job.depthLevels, 0.1));
        table(o.putObject("iodepth_submit"), Distributions.BATCH_LABELS, Distributions.percents(job.submitLevels, 0.1));
        table(o.putObject("iodepth_complete"), Distributions.BATCH_LABELS, Distributions.percents(job.completeLevels, 0.1));
        Distributions.Latency lat = Distributions.latency(job);
        table(o.putObject("latency_ns"), Distributions.SUB_MS_LABELS, lat.nsPercents());
        table(o.putObject("latency_us"), Distributions.SUB_MS_LABELS, lat.usPercents());
        table(o.putObject("latency_ms"), Distributions.MS_LABELS, lat.msPercents());
        if (job.options.continueOnError != 0) { // as fio: only a job that may go on after errors counts them
            o.put("total_err", job.totalErr);
            o.put("first_error", job.firstError);
        }
        o.put("latency_depth", job.latencyDepth > 0 ? job.latencyDepth : job.options.iodepth);
        o.put("latency_target", job.options.latencyTargetNanos); // fio keeps the target in ns, the window in µs
        o.set("latency_percentile", FioJson.decimal(job.options.latencyTargetNanos > 0 ? job.options.latencyPercentile : 100));
        o.put("latency_window", job.options.latencyWindowNanos / 1000);
        if (job.steadyState != null) {
            steadyState(o.putObject("steadystate"), job.steadyState);
        }
        return o;
    }

    /** read, write and trim, then sync, each its own section (fio's default reporting). */
    private static void directions(ObjectNode o, JobStats job, Groups.Group group, boolean plus) {
        for (int ddir = JobOptions.READ; ddir <= JobOptions.TRIM; ddir++) {
            o.set(DIRECTIONS[ddir], direction(job, ddir, group.status()[ddir], plus));
        }
        ObjectNode sync = o.putObject("sync");
        sync.put("total_ios", job.syncsCounted());
        Percentiles pct = Percentiles.of(job.options);
        sync.set("lat_ns", latency(LatStats.of(job.sync.lat()), pct, pct.clat() || pct.lat(), plus));
    }

    /** fio's "steadystate" object: the test, whether it was attained, the last values and the window's samples. */
    private static void steadyState(ObjectNode o, SteadyStateResult ss) {
        o.put("ss", String.format(Locale.ROOT, "%s:%f%s", ss.criterionName(), ss.limit(), ss.percent() ? "%" : ""));
        o.put("duration", ss.seconds());
        o.put("attained", ss.attained() ? 1 : 0);
        o.put("criterion", String.format(Locale.ROOT, "%f%s", ss.criterion(), ss.percent() ? "%" : ""));
        o.set("max_deviation", FioJson.decimal(ss.maxDeviation()));
        o.set("slope", FioJson.decimal(ss.slope()));
        ObjectNode data = o.putObject("data");
        data.put("bw_mean", ss.bwMean());
        data.put("iops_mean", ss.iopsMean());
        var iops = data.putArray("iops");
        for (long v : ss.iops()) {
            iops.add(v);
        }
        var bw = data.putArray("bw");
        for (long v : ss.bw()) {
            bw.add(v);
        }
    }

    /**
     * The options the job section itself set, as written. Like fio, options inherited unchanged from
     * [global] appear only under "global options", and value-less flags (time_based) are left out.
     */
    private static void jobOptions(ObjectNode out, JobOptions options, Map<String, String> global) {
        options.given.forEach((k, v) -> {
            if (v != null && !v.isEmpty() && !v.equals(global.get(k))) {
                out.put(k, v);
            }
        });
    }

    private static ObjectNode direction(JobStats job, int ddir, Groups.DirectionStatus group, boolean plus) {
        JobStats.Direction d = job.direction(ddir);
        Rates r = Rates.of(job, ddir, group);
        ObjectNode o = FioJson.MAPPER.createObjectNode();
        o.put("io_bytes", d.bytes);
        o.put("io_kbytes", d.bytes >> 10);
        o.put("bw_bytes", r.bytesPerSec());
        o.put("bw", r.bytesPerSec() / 1024);
        o.set("iops", FioJson.decimal(r.iops()));
        o.put("runtime", r.runtimeMillis());
        o.put("total_ios", d.ios);
        o.put("short_ios", d.shortIos);
        o.put("drop_ios", d.droppedIos);
        // Only completion latency carries percentiles by default (fio's clat_percentiles=1).
        Percentiles pct = Percentiles.of(job.options);
        o.set("slat_ns", latency(LatStats.of(d.slat()), pct, pct.slat(), plus));
        o.set("clat_ns", latency(LatStats.of(d.clat()), pct, pct.clat(), plus));
        o.set("lat_ns", latency(LatStats.of(d.lat()), pct, pct.lat(), plus));
        SampleStats bw = d.bwKiB;
        o.put("bw_min", (long) bw.min());
        o.put("bw_max", (long) bw.max());
        o.set("bw_agg", FioJson.decimal(r.bwAggPercent()));
        o.set("bw_mean", FioJson.decimal(bw.mean()));
        o.set("bw_dev", FioJson.decimal(bw.stddev()));
        o.put("bw_samples", bw.samples());
        SampleStats iops = d.iops;
        o.put("iops_min", (long) iops.min());
        o.put("iops_max", (long) iops.max());
        o.set("iops_mean", FioJson.decimal(iops.mean()));
        o.set("iops_stddev", FioJson.decimal(iops.stddev()));
        o.put("iops_samples", iops.samples());
        return o;
    }

    /** {min, max, mean, stddev, N}, then "percentile" and (json+) "bins" when asked for and non-empty. */
    static ObjectNode latency(LatStats s, boolean percentiles, boolean bins) {
        return latency(s, Percentiles.DEFAULT, percentiles, bins);
    }

    static ObjectNode latency(LatStats s, Percentiles pct, boolean percentiles, boolean bins) {
        ObjectNode o = FioJson.MAPPER.createObjectNode();
        o.put("min", s.min());
        o.put("max", s.max());
        o.set("mean", FioJson.decimal(s.mean()));
        o.set("stddev", FioJson.decimal(s.stddev()));
        o.put("N", s.count());
        if (percentiles && s.hasPercentiles()) {
            ObjectNode p = o.putObject("percentile");
            long[] values = s.percentiles(pct.list());
            for (int i = 0; i < values.length; i++) {
                p.put(String.format(Locale.ROOT, "%f", pct.list()[i]), values[i]);
            }
            if (bins) {
                ObjectNode b = o.putObject("bins");
                s.bins().forEach((ns, count) -> b.put(Long.toString(ns), count));
            }
        }
        return o;
    }

    private static void table(ObjectNode out, String[] labels, double[] percents) {
        for (int i = 0; i < labels.length; i++) {
            out.set(labels[i], FioJson.decimal(percents[i]));
        }
    }
}
