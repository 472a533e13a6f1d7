package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class BlockSpecTest {
    @Test
    void parsesQemusOptionTextWithDoubledCommasInValues() {
        BlockSpec s = BlockSpec.parse("driver=raw,file.driver=file,file.filename=/tmp/a,,b.raw,offset=1M");
        assertEquals("raw", s.driver());
        assertEquals("1M", s.get("offset"));
        BlockSpec file = s.child("file");
        assertEquals("file", file.driver());
        assertEquals("/tmp/a,b.raw", file.get("filename"));
        assertEquals(s, BlockSpec.parse(s.toString()), "the text form reads back equal");
    }

    @Test
    void cacheModesExpandToQemusThreeFlags() {
        String[][] modes = {
                {"writeback", "off", "off", "off"}, {"none", "on", "off", "off"}, {"writethrough", "off", "off", "on"},
                {"directsync", "on", "off", "on"}, {"unsafe", "off", "on", "off"}};
        for (String[] m : modes) {
            BlockSpec s = BlockSpec.parse("driver=file,filename=x,cache=" + m[0]);
            assertEquals(m[1], s.get("cache.direct"), m[0]);
            assertEquals(m[2], s.get("cache.no-flush"), m[0]);
            assertEquals(m[3], s.get("cache.writethrough"), m[0]);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockSpec.parse("cache=fast"));
        assertTrue(e.getMessage().contains("'fast'") && e.getMessage().contains("directsync"), e.getMessage());
    }

    @Test
    void childrenInheritCacheReadOnlyAndEngineUnlessTheySetTheirOwn() {
        BlockSpec s = BlockSpec.parse("driver=raw,cache=none,read-only=on,aio=io_uring,file.driver=file,file.filename=x,"
                + "file.aio=sync");
        BlockSpec file = s.child("file");
        assertEquals("on", file.get("cache.direct"));
        assertEquals("on", file.get("read-only"));
        assertEquals("sync", file.get("aio"), "the child's own setting wins");
        assertTrue(s.hasChild("file"));
        assertFalse(s.hasChild("backing"));
        assertNull(file.get("driver.driver"));
    }

    @Test
    void malformedTextIsRefusedNamingThePart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockSpec.parse("driver=raw,bogus"));
        assertTrue(e.getMessage().contains("'bogus'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BlockSpec.parse("driver=raw,driver=file"));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BlockSpec.parse("=x"));
    }

    @Test
    void unknownKeysAreNamedWithWhatTheDriverTakes() {
        BlockSpec s = BlockSpec.parse("driver=file,filename=x,fliename=y,cache=none");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.checkKeys(Set.of("filename"), Set.of()));
        assertTrue(e.getMessage().contains("fliename") && e.getMessage().contains("takes: filename"), e.getMessage());
    }

    @Test
    void sizesAndFlagsTakeQemusSpellings() {
        BlockSpec s = BlockSpec.parse("a=64k,b=1M,c=2G,d=512,e=yes,f=off,g=12x,h=maybe");
        assertEquals(65536, s.size("a", -1));
        assertEquals(1 << 20, s.size("b", -1));
        assertEquals(2L << 30, s.size("c", -1));
        assertEquals(512, s.size("d", -1));
        assertEquals(-1, s.size("zz", -1));
        assertTrue(s.flag("e", false));
        assertFalse(s.flag("f", true));
        assertThrows(IllegalArgumentException.class, () -> s.size("g", 0));
        assertThrows(IllegalArgumentException.class, () -> s.flag("h", false));
    }
}
