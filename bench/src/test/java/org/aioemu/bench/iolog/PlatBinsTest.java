package org.aioemu.bench.iolog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fio's plat bins: exact below 128 ns, 64 bins per power of two above, and the values fio itself reports for them. */
class PlatBinsTest {
    @TempDir
    Path dir;

    @Test
    void smallLatenciesHaveABinEachAndLargerOnesShareSixtyFourPerOctave() {
        for (int ns = 0; ns < 128; ns++) {
            assertEquals(ns, PlatBins.index(ns));
            assertEquals(ns, PlatBins.value(ns));
        }
        assertEquals(128, PlatBins.index(128));
        assertEquals(128, PlatBins.index(129), "2 ns per bin from 128 on");
        assertEquals(129, PlatBins.index(130));
        assertEquals(129, PlatBins.value(128), "a bin's value is its midpoint");
        assertEquals(192, PlatBins.index(256), "the next octave starts 64 bins on");
        assertEquals(PlatBins.COUNT - 1, PlatBins.index(Long.MAX_VALUE), "the last bin takes everything beyond");
        assertEquals(1856, PlatBins.COUNT);
        int last = -1;
        for (long ns = 1; ns < (1L << 40); ns += 1 + ns / 97) {
            int i = PlatBins.index(ns);
            assertTrue(i >= last, "monotonic at " + ns);
            last = i;
        }
        for (int i = 0; i < PlatBins.COUNT; i++) {
            assertEquals(i, PlatBins.index(PlatBins.value(i)), "a bin's value falls in the bin " + i);
        }
    }

    /** fio's own histogram log, read with our bins: every column it counts in is a bin value its json+ output names. */
    @Test
    void fiosHistogramLogColumnsAreTheBinsItsJsonPlusNames() throws Exception {
        Fio.assumeInstalled();
        String out = Fio.run(dir, "--name=h", "--ioengine=psync", "--rw=randread", "--bs=4k", "--size=4m",
                "--runtime=1", "--time_based", "--write_hist_log=h", "--log_hist_msec=100", "--output-format=json+");
        Set<Long> binKeys = new HashSet<>();
        Matcher m = Pattern.compile("\"(\\d+)\" : \\d+").matcher(out.substring(out.indexOf("\"clat_ns\"")));
        while (m.find()) {
            binKeys.add(Long.parseLong(m.group(1)));
        }
        assertTrue(binKeys.size() > 3, "fio's json+ clat bins: " + binKeys);
        List<String> lines = Files.readAllLines(dir.resolve("h_clat_hist.1.log"));
        assertTrue(lines.size() >= 5, "fio wrote a line per 100 ms window: " + lines.size());
        int counted = 0;
        for (String line : lines) {
            String[] f = line.split(", ");
            assertEquals(3 + PlatBins.COUNT, f.length, "time, ddir, bs and one column per bin");
            for (int i = 3; i < f.length; i++) {
                if (Long.parseLong(f[i].strip()) > 0) {
                    long value = PlatBins.value(i - 3);
                    assertTrue(binKeys.contains(value), "column " + (i - 3) + " is fio's bin " + value + " ns");
                    counted++;
                }
            }
        }
        assertTrue(counted > 0);
    }
}
