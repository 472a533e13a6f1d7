package org.aioemu.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OpenOptionsTest {
    @Test
    void defaults() {
        OpenOptions ro = OpenOptions.readOnly();
        assertTrue(ro.isReadOnly());
        assertFalse(ro.isCreate() || ro.isExclusive() || ro.isTruncate() || ro.isDirect() || ro.isDsync());
        assertEquals(0644, ro.mode());
        assertEquals(512, ro.alignment());
        assertEquals(LibC.O_RDONLY | LibC.O_CLOEXEC, ro.flags());
        assertEquals(LibC.O_RDWR | LibC.O_CLOEXEC, OpenOptions.readWrite().flags());
    }

    @Test
    void flagsFollowTheOptions() {
        OpenOptions all = OpenOptions.readWrite().withCreateNew().withTruncate().withDirect().withDsync();
        assertEquals(02 | 0100 | 0200 | 01000 | LibC.O_DIRECT | 010000 | 02000000, all.flags());
        assertEquals(02 | 0100 | 02000000, OpenOptions.readWrite().withCreate().flags());
        assertFalse(all.withDirect(false).isDirect());
        assertFalse(all.withDsync(false).isDsync());
    }

    @Test
    void oSyncAsFioOpensForSyncOneAndODsyncForDsync(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        OpenOptions sync = OpenOptions.readWrite().withCreate().withSync(true);
        assertEquals(02 | 0100 | 04010000 | 02000000, sync.flags());
        assertTrue(sync.isSync() && sync.isDsync());
        assertEquals("read-write, create, O_SYNC", sync.describe());
        assertEquals(010000, sync.withSync(false).withDsync(true).flags() & 04010000, "back to O_DSYNC alone");
        assertEquals(0, sync.withDsync(false).flags() & 04010000);
        assertEquals(sync, OpenOptions.readWrite().withCreate().withDsync().withSync(true));
        // What the kernel holds for the open file: /proc/self/fdinfo's flags, in octal.
        for (OpenOptions o : new OpenOptions[] {sync, OpenOptions.readWrite().withCreate().withDsync()}) {
            try (FileHandle fh = FileHandle.open(dir.resolve("f"), o)) {
                String flags = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/fdinfo/" + fh.fd())).stream()
                        .filter(l -> l.startsWith("flags:")).findFirst().orElseThrow();
                int kernel = Integer.parseInt(flags.substring(6).trim(), 8);
                assertEquals(o.isSync() ? 04010000 : 010000, kernel & 04010000, o.describe() + ": " + flags);
            }
        }
    }

    @Test
    void withersLeaveTheOriginalAlone() {
        OpenOptions base = OpenOptions.readWrite();
        OpenOptions direct = base.withDirect();
        assertFalse(base.isDirect());
        assertTrue(direct.isDirect());
        assertNotEquals(base, direct);
        assertEquals(direct, OpenOptions.readWrite().withDirect(true));
        assertEquals(direct.hashCode(), OpenOptions.readWrite().withDirect(true).hashCode());
    }

    @Test
    void describeNamesTheMode() {
        assertEquals("read-only", OpenOptions.readOnly().describe());
        assertEquals("read-write, O_DIRECT", OpenOptions.readWrite().withDirect().describe());
        assertEquals("read-write, create-new, truncate, O_DIRECT (4096-byte alignment), O_DSYNC",
                OpenOptions.readWrite().withCreateNew().withTruncate().withDirect().withAlignment(4096).withDsync()
                        .describe());
        assertEquals("OpenOptions[read-write, create, mode 0600]",
                OpenOptions.readWrite().withCreate().withMode(0600).toString());
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(IllegalStateException.class, () -> OpenOptions.readOnly().withTruncate());
        assertThrows(IllegalArgumentException.class, () -> OpenOptions.readWrite().withMode(010000));
        assertThrows(IllegalArgumentException.class, () -> OpenOptions.readWrite().withMode(-1));
        assertThrows(IllegalArgumentException.class, () -> OpenOptions.readWrite().withAlignment(0));
        assertThrows(IllegalArgumentException.class, () -> OpenOptions.readWrite().withAlignment(768));
        assertThrows(IllegalArgumentException.class, () -> OpenOptions.readWrite().withAlignment(8192));
        assertEquals(4096, OpenOptions.readWrite().withAlignment(4096).alignment());
    }
}
