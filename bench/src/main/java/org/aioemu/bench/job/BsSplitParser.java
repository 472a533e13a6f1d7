package org.aioemu.bench.job;

import java.util.ArrayList;
import java.util.List;

/**
 * One direction of {@code bssplit=}: {@code blocksize/percent:blocksize/percent...}. Entries written
 * without a percentage ({@code 4k/50:1k/:32k} or {@code 1k}) share what the others leave of 100 evenly,
 * rounded down as fio does ({@code 4k:8k:16k} gives 33 each). A total over 100 is an error, as the HOWTO
 * says (fio 3.33 does not check it); a total under 100 is kept as written.
 */
final class BsSplitParser {
    /** fio's limit per direction. */
    static final int MAX_ENTRIES = 64;
    private static final String EXPECTED = "blocksize/percent entries joined by ':', such as 4k/10:64k/90";

    private BsSplitParser() {
    }

    static JobOptions.BsSplit[] parse(String text, int kbBase) {
        String[] entries = text.split(":", -1);
        if (entries.length > MAX_ENTRIES) {
            throw ValueException.expected("at most " + MAX_ENTRIES + " block sizes per direction");
        }
        List<int[]> parsed = new ArrayList<>();
        int total = 0;
        int missing = 0;
        for (String entry : entries) {
            int slash = entry.indexOf('/');
            String size = slash < 0 ? entry : entry.substring(0, slash);
            String pct = slash < 0 ? "" : entry.substring(slash + 1).trim();
            if (size.isBlank()) {
                throw ValueException.expected(EXPECTED);
            }
            int bs = (int) FioNumbers.size(size, 1, Integer.MAX_VALUE, kbBase);
            int percent = -1;
            if (!pct.isEmpty()) {
                if (!pct.matches("\\d{1,3}") || Integer.parseInt(pct) > 100) {
                    throw ValueException.expected("percentages from 0 to 100 after the '/' (" + EXPECTED + ")");
                }
                percent = Integer.parseInt(pct);
                total += percent;
            } else {
                missing++;
            }
            parsed.add(new int[]{bs, percent});
        }
        if (total > 100) {
            throw ValueException.expected("percentages adding up to at most 100, not " + total);
        }
        JobOptions.BsSplit[] out = new JobOptions.BsSplit[parsed.size()];
        for (int i = 0; i < out.length; i++) {
            int[] e = parsed.get(i);
            out[i] = new JobOptions.BsSplit(e[0], e[1] >= 0 ? e[1] : (100 - total) / missing);
        }
        return out;
    }
}
