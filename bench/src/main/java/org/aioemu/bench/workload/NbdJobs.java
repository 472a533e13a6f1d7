package org.aioemu.bench.workload;

import org.aioemu.bench.job.JobOptions;
import org.aioemu.blockdev.nbd.NbdUri;

/**
 * Which jobs work on an NBD export rather than on files: those with fio's {@code ioengine=nbd} and {@code uri=}, or
 * whose {@code filename=} is an NBD URI ({@code nbd://HOST[:PORT]/EXPORT}, {@code nbd+unix:///EXPORT?socket=PATH}).
 * Such a job has one file, the export, sized by the server; nothing is laid out, invalidated or unlinked for it.
 * Stateless; any thread.
 */
public final class NbdJobs {
    private NbdJobs() {
    }

    /** Whether {@code text} is an NBD URI rather than a file name (or a list of them). */
    public static boolean looksLikeUri(String text) {
        return NbdUri.looksLikeNbdUri(text);
    }

    /** Whether the job targets an NBD export (a job with ioengine=nbd but no URI too: {@link #uri} says what is missing). */
    public static boolean isNbd(JobOptions o) {
        return o.nbdUri != null || "nbd".equals(o.ioengine) || looksLikeUri(o.filename);
    }

    /**
     * The export's URI: uri= first, else a filename= that is an NBD URI. Null for a job on files.
     *
     * @throws IllegalArgumentException for ioengine=nbd with neither, naming what to add
     */
    public static String uri(JobOptions o) {
        if (o.nbdUri != null) {
            return o.nbdUri;
        }
        if (looksLikeUri(o.filename)) {
            return o.filename.strip();
        }
        if ("nbd".equals(o.ioengine)) {
            throw new IllegalArgumentException("ioengine=nbd needs uri=nbd://HOST[:PORT]/EXPORT (or"
                    + " nbd+unix:///EXPORT?socket=PATH), or a filename= that is one");
        }
        return null;
    }
}
