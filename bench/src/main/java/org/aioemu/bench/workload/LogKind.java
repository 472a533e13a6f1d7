package org.aioemu.bench.workload;

/**
 * The per-job logs fio writes: bandwidth (KiB/s), IOPS, and total, completion and submission latency (ns).
 * {@link #fileSuffix()} is the part of fio's file name after the prefix: {@code prefix_bw.1.log}.
 */
public enum LogKind {
    BW("bw"), IOPS("iops"), LAT("lat"), CLAT("clat"), SLAT("slat");

    private final String suffix;

    LogKind(String suffix) {
        this.suffix = suffix;
    }

    public String fileSuffix() {
        return suffix;
    }
}
