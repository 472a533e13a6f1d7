package org.aioemu.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.aioemu.bench.report.Reports;

/**
 * Where and how results go: fio's {@code --output-format} (normal, json, json+, terse), {@code --output}
 * (a file instead of stdout) and {@code --eta} (auto: the live line only on a terminal; always; never).
 */
record OutputSettings(String format, Path output, String eta) {
    OutputSettings {
        format = format == null ? "normal" : format.toLowerCase(Locale.ROOT);
        Reports.checkFormat(format); // before the run, not after it
        eta = eta == null ? "auto" : eta.toLowerCase(Locale.ROOT);
        if (!List.of("auto", "always", "never").contains(eta)) {
            throw new Main.UserError("--eta=" + eta + ": expected auto, always or never");
        }
    }

    /** Whether to show the live status line: on a terminal (auto), always, or never. */
    boolean showStatus() {
        if (eta.equals("never")) {
            return false;
        }
        if (eta.equals("always")) {
            return true;
        }
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }
}
