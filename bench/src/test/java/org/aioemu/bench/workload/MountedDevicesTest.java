package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fio's refusal to write to a mounted device, against a /proc/mounts text (no device is ever written here). */
class MountedDevicesTest {
    private static final String MOUNTS = """
            sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
            /dev/vdz1 / ext4 rw,relatime 0 0
            tmpfs /tmp tmpfs rw 0 0
            """;

    @TempDir
    Path dir;

    private static JobOptions job(RwMode rw, String filename) {
        JobOptions o = new JobOptions();
        o.name = "m";
        o.rw = rw;
        o.filename = filename;
        return o;
    }

    @Test
    void aWriteOrTrimToAMountedDeviceIsRefusedUnlessAllowed() {
        String why = MountedDevices.refusal(job(RwMode.WRITE, "/dev/vdz1"), MOUNTS);
        assertTrue(why != null && why.startsWith("/dev/vdz1 appears mounted, and 'allow_mounted_write' is not set"), why);
        assertTrue(MountedDevices.refusal(job(RwMode.RANDTRIM, "/tmp/a:/dev/vdz1"), MOUNTS) != null, "any file of the list");
        JobOptions allowed = job(RwMode.RANDWRITE, "/dev/vdz1");
        allowed.allowMountedWrite = true;
        assertNull(MountedDevices.refusal(allowed, MOUNTS));
        assertNull(MountedDevices.refusal(job(RwMode.READ, "/dev/vdz1"), MOUNTS), "reading a mounted device is fine");
        assertNull(MountedDevices.refusal(job(RwMode.WRITE, "/dev/vdz2"), MOUNTS), "another device");
        assertNull(MountedDevices.refusal(job(RwMode.WRITE, "tmpfs"), MOUNTS), "only device paths count");
    }

    @Test
    void aLinkToTheMountedDeviceIsTheSameDevice() throws Exception {
        Path target = Files.createFile(dir.resolve("fakedev"));
        Path link = Files.createSymbolicLink(dir.resolve("by-id"), target);
        String mounts = target + " /mnt ext4 rw 0 0\n";
        assertTrue(MountedDevices.refusal(job(RwMode.WRITE, link.toString()), mounts) != null);
    }
}
