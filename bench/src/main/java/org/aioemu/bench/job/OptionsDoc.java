package org.aioemu.bench.job;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The table of fio's job options against what aioemu does with each, generated from the option table so it
 * cannot drift from the code: {@code docs/fio-options.md}. Every fio 3.33 option name is one row: done
 * (aioemu's own description), notice (accepted and ignored, with the reason printed), or refused (an error
 * naming file and line); options aioemu adds beyond fio's are listed after them. A test fails when the
 * committed file differs from {@link #markdown()}.
 */
public final class OptionsDoc {
    private OptionsDoc() {
    }

    /** The whole document. */
    public static String markdown() {
        OptionTable table = OptionTable.standard();
        TreeMap<String, String[]> rows = new TreeMap<>();
        int done = 0;
        int notice = 0;
        int refused = 0;
        for (String name : FioOptionNames.all()) {
            var spec = table.find(name);
            String status;
            String what;
            if (spec.isEmpty()) {
                status = "refused";
                what = "an error naming the file and line: " + RefusedOptions.why(name);
                refused++;
            } else if (spec.get().kind() == OptionSpec.Kind.IGNORED) {
                status = "notice";
                what = spec.get().help();
                notice++;
            } else {
                status = "done";
                what = spec.get().help() + (spec.get().name().equals(name) ? "" : " (as " + spec.get().name() + ")");
                done++;
            }
            rows.put(name, new String[] {status, what});
        }
        List<String> extra = new ArrayList<>();
        for (OptionSpec o : table.options()) {
            for (String n : names(o)) {
                if (!FioOptionNames.contains(n) && !rows.containsKey(n)) {
                    extra.add("| `" + n + "` | " + (o.kind() == OptionSpec.Kind.IGNORED ? "notice" : "done") + " | "
                            + escape(o.help()) + " |");
                }
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("# fio's job options in aioemu\n\n");
        b.append("Generated from the option table (`OptionsDoc.markdown()`; `OptionsDocTest` fails when this file is stale,\n");
        b.append("and `bench/regen-options-doc` rewrites it). Every option fio 3.33 knows (`fio --cmdhelp=all`):\n");
        b.append("**done** runs with fio's meaning, **notice** is accepted with a one-line notice saying why it changes\n");
        b.append("nothing here, **refused** is an error naming `file:line`.\n\n");
        b.append("Of ").append(rows.size()).append(": ").append(done).append(" done, ").append(notice).append(" notice, ")
                .append(refused).append(" refused.\n\n");
        b.append("| option | status | what aioemu does |\n|---|---|---|\n");
        rows.forEach((name, r) -> b.append("| `").append(name).append("` | ").append(r[0]).append(" | ").append(escape(r[1]))
                .append(" |\n"));
        if (!extra.isEmpty()) {
            b.append("\nOptions beyond fio's (aioemu's own, and fio engine options fio lists per engine):\n\n");
            b.append("| option | status | what aioemu does |\n|---|---|---|\n");
            extra.stream().sorted().forEach(l -> b.append(l).append('\n'));
        }
        return b.toString();
    }

    private static List<String> names(OptionSpec o) {
        List<String> out = new ArrayList<>();
        out.add(o.name());
        out.addAll(o.aliases());
        return out;
    }

    private static String escape(String s) {
        return s.replace("|", "\\|");
    }
}
