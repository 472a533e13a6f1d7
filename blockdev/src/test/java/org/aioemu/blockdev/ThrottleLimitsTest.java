package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** QEMU's throttling option names and rules, with its messages: a user's mistake gets one clear line. */
class ThrottleLimitsTest {
    private static String refusal(String text) {
        return assertThrows(IllegalArgumentException.class, () -> ThrottleLimits.parse(text)).getMessage();
    }

    @Test
    void everyQemuKeySetsItsBucket() {
        ThrottleLimits l = ThrottleLimits.parse("iops-read=100,iops-read-max=1000,iops-read-max-length=3,"
                + "bps-write=1M,throttling.bps-write-max=2M,iops-size=8k");
        assertEquals(new ThrottleLimits.Bucket(100, 1000, 3), l.iopsRead());
        assertEquals(new ThrottleLimits.Bucket(1 << 20, 2 << 20, 1), l.bpsWrite());
        assertEquals(8192, l.iopsSize());
        assertEquals(ThrottleLimits.Bucket.NONE, l.iopsTotal());
        assertEquals(l, ThrottleLimits.parse(l.toString()), "toString reads back");
        assertEquals(19, ThrottleLimits.KEYS.size());
        assertEquals("none", ThrottleLimits.NONE.toString());
    }

    @Test
    void qemusRulesAreStatedInItsWords() {
        assertEquals("throttling: bps/iops/max total values and read/write values cannot be used at the same time",
                refusal("iops-total=10,iops-read=5"));
        assertEquals("throttling: iops size requires an iops value to be set", refusal("bps-total=1M,iops-size=4k"));
        assertEquals("throttling: iops-total-max: bps_max/iops_max require corresponding bps/iops values",
                refusal("iops-total-max=10"));
        assertEquals("throttling: iops-total-max: bps_max/iops_max cannot be lower than bps/iops",
                refusal("iops-total=100,iops-total-max=10"));
        assertEquals("throttling: bps-read-max-length: burst length set without burst rate (bps-read-max)",
                refusal("bps-read=100,bps-read-max-length=5"));
        assertEquals("throttling: iops-write-max-length: the burst length cannot be 0",
                refusal("iops-write=1,iops-write-max=2,iops-write-max-length=0"));
        assertEquals("throttling: bps-total-max-length: burst length too high for this burst rate",
                refusal("bps-total=1,bps-total-max=1000000000000,bps-total-max-length=10000"));
    }

    @Test
    void badKeysAndValuesAreNamed() {
        assertEquals("unknown throttling option 'iops' (known: " + String.join(", ", ThrottleLimits.KEYS)
                + ", throttle-group)", refusal("iops=5"));
        assertEquals("throttling option iops-total=fast: expected a whole number from 0 to 1000000000000000 (k, M, G,"
                + " T multiply by 1024)", refusal("iops-total=fast"));
        assertEquals("throttling option iops-total=-1: expected a whole number from 0 to 1000000000000000 (k, M, G,"
                + " T multiply by 1024)", refusal("iops-total=-1"));
        assertEquals("throttling option bps-total=99999999999999999999: expected a whole number from 0 to"
                + " 1000000000000000 (k, M, G, T multiply by 1024)", refusal("bps-total=99999999999999999999"));
        assertEquals("throttling option 'iops-total' is given twice", refusal("iops-total=1,iops-total=2"));
        assertEquals("throttling option 'iops-total' is not KEY=VALUE", refusal("iops-total"));
    }
}
