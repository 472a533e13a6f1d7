/**
 * Runs fio jobs on aioemu's engine: {@link org.aioemu.bench.workload.WorkloadRunner#run} takes the parsed
 * {@link org.aioemu.bench.job.JobOptions} and returns one {@link org.aioemu.bench.report.JobStats} per job
 * instance.
 *
 * <p>Structure: {@code JobGroups} expands numjobs and forms run batches and reporting groups; {@code BatchRun}
 * runs a batch; {@code JobSetup} prepares one job ({@code JobFiles}/{@code ReplayFiles} resolve its files,
 * {@code FileLayout} creates or checks them, {@code BlockSizes}, {@code GeneratedOps} + {@code FileCursor} +
 * {@code RandomMap} + {@code Distributions} generate its requests); {@code JobExecution} runs its phases on
 * its own loop and {@code IssueLoop} keeps its queue full ({@code Pacing} and {@code RateLimiter} hold it
 * back); {@code StatsRecorder} and {@code Periodic} fill the JobStats; {@code StatusLine} formats the live
 * status.
 *
 * <p>Pluggable parts, each with a built-in implementation so the package stands alone:
 * <ul>
 *   <li>{@link org.aioemu.bench.workload.DataFactory} makes a job file's
 *       {@link org.aioemu.bench.workload.WriteDataSource} and {@link org.aioemu.bench.workload.ReadChecker}
 *       (adapt the data package's BufferFiller and Verifier here);
 *   <li>{@link org.aioemu.bench.workload.TraceSource} reads a read_iolog trace into
 *       {@link org.aioemu.bench.workload.TraceOp}s and {@link org.aioemu.bench.workload.TraceSinkFactory}
 *       opens the write_iolog {@link org.aioemu.bench.workload.TraceSink} (adapt IologReader/IologWriter);
 *   <li>{@link org.aioemu.bench.workload.LogSinkFactory} opens the bw/iops/lat
 *       {@link org.aioemu.bench.workload.LogSink}s (adapt FioLogWriter);
 *   <li>{@link org.aioemu.bench.workload.StatusListener} receives the status line.
 * </ul>
 * They are given through {@link org.aioemu.bench.workload.RunSettings}.
 */
package org.aioemu.bench.workload;
