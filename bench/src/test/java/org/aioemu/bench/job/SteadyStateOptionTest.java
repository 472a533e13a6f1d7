package org.aioemu.bench.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.aioemu.bench.job.JobOptions.SteadyStateMode;
import org.junit.jupiter.api.Test;

/** steadystate (ss), ss_dur, ss_ramp as fio 3.33 parses them. */
class SteadyStateOptionTest {
    private static final OptionTable TABLE = OptionTable.standard();

    @Test
    void modesLimitsAndWindows() {
        JobOptions o = new JobOptions();
        ApplyContext c = new ApplyContext();
        assertEquals(SteadyStateMode.IOPS_SLOPE, o.ssMode, "fio's default: iops_slope:0.01%");
        assertEquals(0.01, o.ssLimit, 0);
        TABLE.apply(o, c, "ss", "bw:10m");
        assertEquals(SteadyStateMode.BW, o.ssMode);
        assertEquals(10 << 20, o.ssLimit, 0, "a bandwidth limit is a size per second");
        assertFalse(o.ssPercent);
        TABLE.apply(o, c, "steadystate", "iops_slope:0.5%");
        assertEquals(SteadyStateMode.IOPS_SLOPE, o.ssMode);
        assertEquals(0.5, o.ssLimit, 0);
        assertTrue(o.ssPercent);
        TABLE.apply(o, c, "ss_dur", "30");
        assertEquals(30_000_000_000L, o.ssDurationNanos, "seconds unless a unit is given");
        TABLE.apply(o, c, "steadystate_ramp_time", "500ms");
        assertEquals(500_000_000L, o.ssRampNanos);
    }

    @Test
    void badValuesAreRefusedWithTheReason() {
        for (String bad : new String[] {"iops", "x:1", "iops:abc", "bw:-1%"}) {
            OptionError e = assertThrows(OptionError.class, () -> TABLE.apply(new JobOptions(), new ApplyContext(), "ss", bad));
            assertEquals(OptionError.Kind.BAD_VALUE, e.kind, bad);
        }
    }
}
