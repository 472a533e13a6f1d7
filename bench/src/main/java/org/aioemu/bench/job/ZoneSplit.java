package org.aioemu.bench.job;

import java.util.ArrayList;
import java.util.List;

/**
 * One direction's fio {@code random_distribution=zoned:} or {@code zoned_abs:} split: zone i takes
 * {@code access[i]} percent of the random offsets, drawn uniformly within it; zones follow each other from
 * the region's start, sized in percent of the region ({@code zoned}) or in bytes ({@code zoned_abs}). A zone
 * written without a size ({@code 20/}) is the rest of the region. Immutable.
 *
 * @param access   percent of the accesses per zone, adding up to 100
 * @param size     per zone, percent of the region or bytes; NaN for "the rest"
 * @param absolute sizes in bytes (zoned_abs) rather than percent
 */
public record ZoneSplit(int[] access, double[] size, boolean absolute) {
    /**
     * Parses one direction's list, {@code A/S:A/S:...}, as fio 3.33 takes it: access percentages are whole
     * numbers adding up to 100; percent sizes may not add up to more than 100.
     */
    static ZoneSplit parse(String list, boolean absolute, ApplyContext c) {
        List<Integer> access = new ArrayList<>();
        List<Double> sizes = new ArrayList<>();
        int total = 0;
        double sizeTotal = 0;
        for (String entry : list.split(":", -1)) {
            int slash = entry.indexOf('/');
            if (slash < 0) {
                throw ValueException.expected("access%/size pairs such as zoned:50/5:30/15:20/ (got '" + entry + "')");
            }
            int a = c.integer(entry.substring(0, slash).trim(), 0, 100);
            String s = entry.substring(slash + 1).trim();
            double size;
            if (s.isEmpty()) {
                size = Double.NaN;
            } else if (absolute) {
                size = c.size(s);
            } else {
                size = FioNumbers.decimal(s, "a size percentage such as 50/5.5");
                if (size < 0 || size > 100) {
                    throw ValueException.expected("a size percentage from 0 to 100 (got " + s + ")");
                }
                sizeTotal += size;
            }
            access.add(a);
            sizes.add(size);
            total += a;
        }
        if (total != 100) {
            throw ValueException.expected("access percentages adding up to 100 (these add up to " + total + ")");
        }
        if (sizeTotal > 100.0 + 1e-9) {
            throw ValueException.expected("size percentages adding up to at most 100 (these add up to " + sizeTotal + ")");
        }
        return new ZoneSplit(access.stream().mapToInt(Integer::intValue).toArray(),
                sizes.stream().mapToDouble(Double::doubleValue).toArray(), absolute);
    }
}
