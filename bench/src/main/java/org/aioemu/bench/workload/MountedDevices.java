package org.aioemu.bench.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.aioemu.bench.job.JobOptions;

/**
 * fio's guard against writing to a mounted device: a job that writes or trims a file named by
 * {@code filename=} that is mounted (a device listed in /proc/mounts) is refused before anything is touched,
 * unless {@code allow_mounted_write=1}. Names are compared after resolving symbolic links
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
        List<String> mounted = new ArrayList<>();
        for (String line : procMounts.split("\n")) {
            String dev = line.split(" ", 2)[0];
            if (dev.startsWith("/")) {
                mounted.add(real(dev));
            }
        }
        for (String name : JobFiles.splitNames(o.filename)) {
            if (mounted.contains(real(name))) {
                return name + " appears mounted, and 'allow_mounted_write' is not set: writing to it would corrupt"
                        + " its file system (unmount it, or set allow_mounted_write=1)";
            }
        }
        return null;
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
