package org.aioemu.bench.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.aioemu.bench.job.JobOptions;

/**
 * fio's guard against writing to a mounted device: a job that writes or trims a file named by
 * {@code filename=} that is mounted (a device listed in /proc/mounts), or that holds a mounted partition or a
 * mounted device stacked on it, is refused before anything is touched, unless {@code allow_mounted_write=1}. Names are compared after resolving symbolic links
 * ({@code /dev/disk/by-id/...} is the same device as {@code /dev/sda1}). Stateless.
 */
public final class MountedDevices {
    private MountedDevices() {
    }

    /** Why {@code o} may not run here (a mounted device it would write), or null. Reads /proc/mounts. */
    public static String refusal(JobOptions o) {
        if (!guarded(o)) {
            return null;
        }
        String mounts;
        try {
            mounts = Files.readString(Path.of("/proc/mounts"));
        } catch (IOException e) {
            return null; // not Linux's procfs: nothing to compare with
        }
        return refusal(o, mounts);
    }

    /** As {@link #refusal(JobOptions)}, with the text of /proc/mounts given. */
    static String refusal(JobOptions o, String procMounts) {
        if (!guarded(o)) {
            return null;
        }
        return refusal(JobFiles.splitNames(o.filename), procMounts);
    }

    /**
     * For files a job learns only at setup (a replayed trace's devices): why writing or trimming {@code names}
     * is refused here, or null. Reads /proc/mounts.
     */
    static String refusal(List<String> names, boolean modifies, boolean allowMountedWrite) {
        if (!modifies || allowMountedWrite) {
            return null;
        }
        try {
            return refusal(names, Files.readString(Path.of("/proc/mounts")));
        } catch (IOException e) {
            return null;
        }
    }

    private static String refusal(List<String> names, String procMounts) {
        List<String> mounted = new ArrayList<>();
        for (String line : procMounts.split("\n")) {
            String dev = line.split(" ", 2)[0];
            if (dev.startsWith("/")) {
                mounted.add(real(dev));
            }
        }
        for (String name : names) {
            if (mounted.contains(real(name))) {
                return name + " appears mounted, and 'allow_mounted_write' is not set: writing to it would corrupt"
                        + " its file system (unmount it, or set allow_mounted_write=1)";
            }
        }
        Set<String> mountedNumbers = new HashSet<>();
        for (String m : mounted) {
            String n = deviceNumber(Path.of(m));
            if (n != null) {
                mountedNumbers.add(n);
            }
        }
        for (String name : names) {
            String held = mountedWithin(Path.of(name), mountedNumbers);
            if (held != null) {
                return name + " holds " + held + ", which is mounted, and 'allow_mounted_write' is not set: writing"
                        + " to it would corrupt that file system (unmount it, or set allow_mounted_write=1)";
            }
        }
        return null;
    }

    /**
     * For a block device: the name of a partition of it, or a device stacked on it (device-mapper, md: its
     * holders, transitively), that is mounted; else null. Read from sysfs, where a disk's partitions are
     * directories inside its own and each device lists its holders.
     */
    private static String mountedWithin(Path device, Set<String> mountedNumbers) {
        String number = deviceNumber(device);
        if (number == null) {
            return null;
        }
        Path sys;
        try {
            sys = Path.of("/sys/dev/block", number).toRealPath();
        } catch (IOException e) {
            return null;
        }
        ArrayDeque<Path> todo = new ArrayDeque<>();
        todo.add(sys);
        try (Stream<Path> parts = Files.list(sys)) {
            parts.filter(d -> Files.exists(d.resolve("partition"))).forEach(todo::add);
        } catch (IOException e) {
            // no partitions to look at
        }
        Set<Path> seen = new HashSet<>();
        while (!todo.isEmpty() && seen.size() < 256) {
            Path d = todo.poll();
            if (!seen.add(d)) {
                continue;
            }
            try {
                String dev = Files.readString(d.resolve("dev")).strip();
                if (!d.equals(sys) && mountedNumbers.contains(dev)) {
                    return "/dev/" + d.getFileName();
                }
            } catch (IOException e) {
                // not a device directory
            }
            try (Stream<Path> holders = Files.list(d.resolve("holders"))) {
                holders.forEach(h -> {
                    try {
                        todo.add(h.toRealPath());
                    } catch (IOException e) {
                        // gone meanwhile
                    }
                });
            } catch (IOException e) {
                // nothing stacked on it
            }
        }
        return null;
    }

    /** "MAJOR:MINOR" of a block device node, or null for anything else. */
    private static String deviceNumber(Path node) {
        Integer dev = DeviceNodes.blockDevice(node);
        return dev == null ? null : (dev >>> 20) + ":" + (dev & 0xfffff);
    }

    /** Whether the guard applies: the job writes or trims files it names, and does not allow mounted writes. */
    private static boolean guarded(JobOptions o) {
        return !o.allowMountedWrite && o.filename != null && (o.rw.writes() || o.rw.trims());
    }

    private static String real(String name) {
        try {
            return Path.of(name).toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return name;
        }
    }
}
