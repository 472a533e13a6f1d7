package org.aioemu.bench.report;

/**
 * One block device's counters over a run, as fio's "Disk stats" section and JSON {@code disk_util} show them:
 * the differences of the kernel's {@code /sys/block/NAME/stat} fields between the start and the end, and the
 * share of the run the device was busy.
 *
 * @param ticks      read and write milliseconds spent in requests
 * @param inQueue    milliseconds requests waited (weighted time in queue)
 * @param utilPercent busy time (io_ticks) over the run's wall time, in percent
 */
public record DiskUtil(String name, long readIos, long writeIos, long readMerges, long writeMerges, long readTicks,
                       long writeTicks, long inQueue, double utilPercent) {
}
