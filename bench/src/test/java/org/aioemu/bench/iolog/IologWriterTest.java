package org.aioemu.bench.iolog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IologWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesFio333sLayoutByteForByte() throws Exception {
        Path p = dir.resolve("w.log");
        try (IologWriter w = new IologWriter(p)) {
            w.add(17_400, "/tmp/fx/d2");
            w.open(113_000, "/tmp/fx/d2");
            w.io(115_999, "/tmp/fx/d2", IologAction.WRITE, 0, 4096);
            w.io(140_000, "/tmp/fx/d2", IologAction.DATASYNC, 0, 0);
            w.io(547_000, "/tmp/fx/d2", IologAction.WRITE, 4096, 4096);
            w.close(559_000, "/tmp/fx/d2");
        }
        // What fio 3.33 wrote for --rw=write --bs=4k --size=8k --fdatasync=1 --write_iolog.
        assertEquals("""
                fio version 3 iolog
                17 /tmp/fx/d2 add
                113 /tmp/fx/d2 open
                115 /tmp/fx/d2 write 0 4096
                140 /tmp/fx/d2 datasync 0 0
                547 /tmp/fx/d2 write 4096 4096
                559 /tmp/fx/d2 close
                """, Files.readString(p));
    }

    @Test
    void roundTripsThroughTheReaderWithCurrentTimeStamps() throws Exception {
        Path p = dir.resolve("rt.log");
        try (IologWriter w = new IologWriter(p)) {
            w.add("/a");
            w.open("/a");
            w.io(-1, "/a", IologAction.READ, 8192, 512);
            w.io(-1, "/a", IologAction.TRIM, 0, 1 << 20);
            w.io(-1, "/a", IologAction.SYNC, 0, 0);
            w.close("/a");
        }
        List<IologEntry> e = IologReader.read(p);
        assertEquals(List.of(IologAction.ADD, IologAction.OPEN, IologAction.READ, IologAction.TRIM,
                IologAction.SYNC, IologAction.CLOSE), e.stream().map(IologEntry::action).toList());
        assertEquals(8192, e.get(2).offset());
        assertEquals(512, e.get(2).length());
        for (int i = 1; i < e.size(); i++) {
            assertTrue(e.get(i).timeNanos() >= e.get(i - 1).timeNanos(), "time goes forward: " + e);
            assertEquals(0, e.get(i).timeNanos() % 1000, "microsecond resolution");
        }
    }

    @Test
    void refusesWhatFioCouldNotReplay() throws Exception {
        try (IologWriter w = new IologWriter(dir.resolve("x.log"))) {
            assertThrows(IllegalArgumentException.class, () -> w.io(0, "/a", IologAction.WAIT, 10, 0));
            assertThrows(IllegalArgumentException.class, () -> w.io(0, "/a", IologAction.OPEN, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> w.io(0, "/a", IologAction.READ, -1, 0));
            assertThrows(IllegalArgumentException.class, () -> w.add("/a b"));
            assertThrows(IllegalArgumentException.class, () -> w.add(""));
        }
    }
}
