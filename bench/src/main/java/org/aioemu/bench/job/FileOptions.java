package org.aioemu.bench.job;

import static org.aioemu.bench.job.OptionSpec.Kind.BOOL;
import static org.aioemu.bench.job.OptionSpec.Kind.CHOICE;
import static org.aioemu.bench.job.OptionSpec.Kind.INT;
import static org.aioemu.bench.job.OptionSpec.Kind.RANGE;
import static org.aioemu.bench.job.OptionSpec.Kind.SIZE;
import static org.aioemu.bench.job.OptionSpec.Kind.SIZE_OR_PERCENT;
import static org.aioemu.bench.job.OptionSpec.Kind.STRING;

import java.util.LinkedHashMap;
import java.util.Map;

/** Rows of the option table for the job's identity, its files, and the engine. */
final class FileOptions {
    /** fio engines aioemu runs, and the aioemu engine each becomes. */
    static final Map<String, String> ENGINES = new LinkedHashMap<>();

    static {
        ENGINES.put("io_uring", "io_uring");
        // The blocking engines all become the thread pool, which issues the same preadv/pwritev.
        for (String e : new String[]{"libaio", "posixaio", "psync", "sync", "vsync", "pvsync", "pvsync2"}) {
            ENGINES.put(e, "threads");
        }
        ENGINES.put("null", "null");
        ENGINES.put("mmap", "mmap"); // copies to and from a shared mapping, synchronously, as fio's
        ENGINES.put("nbd", "nbd"); // aioemu's NBD client, to the export uri= names
    }

    private static final Map<String, String> AIO = new LinkedHashMap<>();
    private static final Map<String, String> IMAGE_FORMATS = new LinkedHashMap<>();
    private static final Map<String, Integer> KB_BASE = new LinkedHashMap<>();
    private static final Map<String, String> FALLOCATE = new LinkedHashMap<>();

    static {
        for (String f : new String[]{"none", "native", "posix", "keep", "truncate"}) {
            FALLOCATE.put(f, f);
        }
        FALLOCATE.put("0", "none"); // fio's old spellings
        FALLOCATE.put("1", "posix");
        for (String a : new String[]{"threads", "io_uring", "sync", "mmap"}) {
            AIO.put(a, a);
        }
        IMAGE_FORMATS.put("raw", "raw");
        IMAGE_FORMATS.put("lz4", "lz4");
        KB_BASE.put("1024", 1024);
        KB_BASE.put("1000", 1000);
    }

    private FileOptions() {
    }

    static void register(OptionTable.Builder b) {
        b.add("name", STRING, "Job name (the section name by default)", (o, v, c) -> o.name = v.trim());
        b.add("description", STRING, "Text describing the job; not used", (o, v, c) -> {
        });
        b.add("filename", STRING, "File(s) to use, ':'-separated", (o, v, c) -> o.filename = v.trim());
        b.add("directory", STRING, "Directory for the job's files", (o, v, c) -> o.directory = v.trim());
        b.add("size", SIZE_OR_PERCENT, "Bytes of I/O region per job, or N% of the file", (o, v, c) -> {
            int pct = FioNumbers.percentOrMinus1(v);
            o.sizePercent = Math.max(pct, 0);
            o.size = pct < 0 ? c.size(v) : 0;
        });
        b.add("filesize", RANGE, "Size of each file, or a low-high range", (o, v, c) -> {
            long[] r = FioNumbers.range(v, true, 1, Long.MAX_VALUE, c.kbBase);
            o.filesizeLow = r[0];
            o.filesizeHigh = r[1];
        });
        b.add("offset|fileoffset", SIZE_OR_PERCENT, "Start of the I/O region, bytes or N%", (o, v, c) -> {
            int pct = FioNumbers.percentOrMinus1(v);
            o.offsetPercent = Math.max(pct, 0);
            o.offset = pct < 0 ? c.size(v) : 0;
        });
        b.add("zonemode", CHOICE, "none, or strided: I/O in zones of zonesize, moving on by zonerange + zoneskip", (o, v, c) -> {
            String m = v.trim();
            if (m.equals("zbd")) {
                throw ValueException.unsupported("zonemode=zbd needs a zoned block device's write pointers; none and strided work");
            }
            o.zoneStrided = ApplyContext.choice(m, java.util.Map.of("none", false, "strided", true));
        });
        b.add("zonesize", SIZE, "Bytes of I/O in a zone before moving to the next (zonemode=strided)",
                (o, v, c) -> o.zoneSize = c.size(v));
        b.add("zonerange", SIZE, "Size of a zone: random offsets fall in it, and the next zone starts after it",
                (o, v, c) -> o.zoneRange = c.size(v));
        b.add("zoneskip", SIZE, "Bytes skipped between zones", (o, v, c) -> o.zoneSkip = c.size(v));
        b.add("offset_increment", SIZE_OR_PERCENT, "Clone k of a job (numjobs) starts k times this much after offset",
                (o, v, c) -> {
                    int pct = FioNumbers.percentOrMinus1(v);
                    o.offsetIncrementPercent = Math.max(pct, 0);
                    o.offsetIncrement = pct < 0 ? c.size(v) : 0;
                });
        b.add("offset_align", SIZE, "Round offset=N% down to this (default: the block size)", (o, v, c) -> o.offsetAlign = c.size(v));
        b.add("io_size|io_limit", SIZE, "Bytes to transfer (default: size)", (o, v, c) -> o.ioSize = c.size(v));
        b.add("nrfiles|nr_files", INT, "Number of files per job", (o, v, c) -> o.nrfiles = c.integer(v, 1, Integer.MAX_VALUE));
        b.add("create_on_open", BOOL, "Create files when first opened", (o, v, c) -> o.createOnOpen = c.bool(v));
        b.add("fallocate", CHOICE, "Preallocation: none, native, posix, keep, truncate",
                (o, v, c) -> o.fallocate = ApplyContext.choice(v, FALLOCATE));
        b.add("create_fsync", BOOL, "fsync a file after laying it out (default on, as fio)",
                (o, v, c) -> o.createFsync = c.bool(v));
        b.add("fadvise_hint", CHOICE, "Advise the kernel's readahead: 1 by the job's pattern (default), 0 not, sequential, random",
                (o, v, c) -> o.fadviseHint = ApplyContext.choice(v, java.util.Map.of("0", "0", "1", "1", "false", "0", "true", "1",
                        "off", "0", "on", "1", "sequential", "sequential", "random", "random")));
        b.add("filename_format", STRING, "Names of the job's files without filename=: $jobname, $jobnum, $filenum"
                + " (default $jobname.$jobnum.$filenum)", (o, v, c) -> {
                    if (v.contains("$clientuid")) {
                        throw ValueException.unsupported("$clientuid names a fio client, and aioemu has no client/server mode");
                    }
                    o.filenameFormat = v.trim();
                });
        b.add("file_service_type", CHOICE, "Which of a job's files the next I/O goes to: roundrobin, sequential, random;"
                + " :N switches after N I/Os", (o, v, c) -> {
                    String t = v.trim();
                    int colon = t.indexOf(':');
                    String kind = colon < 0 ? t : t.substring(0, colon);
                    if (java.util.Set.of("zipf", "pareto", "normal", "gauss").contains(kind)) {
                        throw ValueException.unsupported("skewed file choice; roundrobin, sequential and random work");
                    }
                    o.fileService = ApplyContext.choice(kind, java.util.Map.of("roundrobin", "roundrobin",
                            "sequential", "sequential", "random", "random"));
                    o.fileServiceN = colon < 0 ? 1 : c.integer(t.substring(colon + 1), 1, Integer.MAX_VALUE);
                });
        b.add("pre_read", BOOL, "Read the files into the page cache before the job (invalidate is then off)",
                (o, v, c) -> o.preRead = c.bool(v));
        b.add("exec_prerun", STRING, "A shell command run before the job's I/O; failing, it fails the job",
                (o, v, c) -> o.execPrerun = v.trim());
        b.add("exec_postrun", STRING, "A shell command run after the job", (o, v, c) -> o.execPostrun = v.trim());
        b.add("allow_mounted_write", BOOL, "Let a job write to a mounted device (refused by default, as fio)",
                (o, v, c) -> o.allowMountedWrite = c.bool(v));
        b.add("fill_device|fill_fs", BOOL, "Write until the device or file system is full (ENOSPC ends the job, not as an"
                + " error); without size=, the job's size is the free space", (o, v, c) -> o.fillDevice = c.bool(v));
        b.add("opendir", STRING, "Add every file below this directory (recursively) to the job's files",
                (o, v, c) -> o.opendir = v.trim());
        b.add("file_append", BOOL, "Do the I/O after the end of each existing regular file (as offset= its size)",
                (o, v, c) -> o.fileAppend = c.bool(v));
        b.add("create_only", BOOL, "Lay the files out and do no I/O", (o, v, c) -> o.createOnly = c.bool(v));
        b.add("overwrite", BOOL, "Write a write job's new file whole before the job, so its writes overwrite data",
                (o, v, c) -> o.overwrite = c.bool(v));
        b.add("invalidate", BOOL, "Drop the files' pages from the page cache before the job (default on, as fio)",
                (o, v, c) -> o.invalidate = c.bool(v));
        b.add("unlink", BOOL, "Delete the files when the job ends", (o, v, c) -> o.unlink = c.bool(v));
        b.add("unlink_each_loop", BOOL, "Delete the files between loops: a writing job's next loop starts on new, empty"
                + " files, a read job's fails with ENOENT (as fio's does)", (o, v, c) -> o.unlinkEachLoop = c.bool(v));
        b.add("kb_base", CHOICE, "1024 (default: 1k = 1024) or 1000 (1k = 1000) for the sizes that follow",
                (o, v, c) -> {
                    c.kbBase = ApplyContext.choice(v, KB_BASE);
                    o.kbBase = c.kbBase; // and the units the normal output leads with
                });
        b.add("ioengine", CHOICE, "fio's engine: io_uring; libaio, posixaio, psync, sync, pvsync, pvsync2 (threads); mmap; null;"
                + " nbd (aioemu's NBD client, to uri=)",
                (o, v, c) -> {
                    String engine = ENGINES.get(v.trim());
                    if (engine == null) {
                        throw ValueException.unsupported("its engines are " + String.join(", ", ENGINES.keySet()));
                    }
                    o.ioengine = v.trim();
                    o.aioEngine = engine;
                });
        b.add("uri", STRING, "ioengine=nbd: the NBD export, nbd://HOST[:PORT]/EXPORT or nbd+unix:///EXPORT?socket=PATH"
                + " (a filename= that is such a URI works too)", (o, v, c) -> {
                    try {
                        org.aioemu.blockdev.nbd.NbdUri.parse(v);
                    } catch (IllegalArgumentException e) {
                        String m = e.getMessage(); // "bad NBD URI 'text': why": the option's message shows the text already
                        throw ValueException.expected("an NBD URI, nbd://HOST[:PORT]/EXPORT or nbd+unix:///EXPORT?socket=PATH; "
                                + m.substring(m.indexOf("': ") + 3));
                    }
                    o.nbdUri = v.trim();
                });
        b.add("aio", CHOICE, "aioemu's own engine (not fio's): threads, io_uring, sync, mmap",
                (o, v, c) -> o.aioEngine = ApplyContext.choice(v, AIO));
        b.add("format", CHOICE, "aioemu's own (not fio's): the image format, raw or lz4 (default: probed from an existing"
                + " file's header, as qemu does; a new file is raw unless format=lz4)",
                (o, v, c) -> o.imageFormat = ApplyContext.choice(v, IMAGE_FORMATS));
        b.add("inject", STRING, "aioemu's own (not fio's): a fault to inject below the job's files, OP:KEY=VALUE... with OP"
                + " read, write, flush, discard or any, an action (errno=EIO|ENOSPC|EAGAIN|EINTR, short=BYTES, delay=MS,"
                + " corrupt=BITS), a trigger (every=N, nth=N, after=N, prob=P) and seed=S; repeatable, rules add up",
                (o, v, c) -> {
                    try {
                        o.faults = o.faults.plus(org.aioemu.blockdev.FaultRule.parse(v));
                    } catch (IllegalArgumentException e) {
                        String m = e.getMessage(); // "bad fault rule 'text': why": the option's message shows the text
                        throw ValueException.expected("a valid fault rule; " + m.substring(m.indexOf("': ") + 3));
                    }
                });
        b.add("throttle", STRING, "aioemu's own (not fio's): QEMU's I/O limits on each of the job's files,"
                + " KEY=VALUE[,KEY=VALUE...] with QEMU's throttling keys (iops-total, bps-read, iops-write-max, ...,"
                + " iops-size) and throttle-group=NAME to share them (see the README)", (o, v, c) -> {
                    try {
                        org.aioemu.blockdev.ThrottleOptions.parse(v); // refused here, at its file:line, if bad
                        o.throttle = v.trim();
                    } catch (IllegalArgumentException e) {
                        throw ValueException.expected("QEMU's throttling options, KEY=VALUE[,KEY=VALUE...]; "
                                + e.getMessage());
                    }
                });
        b.add("cpus_allowed", STRING, "CPUs the job may run on (accepted; aioemu does not pin)",
                (o, v, c) -> o.cpusAllowed = v.trim());
    }
}
