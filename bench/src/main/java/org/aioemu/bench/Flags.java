package org.aioemu.bench;

import java.util.Locale;

/** fio's bool forms: 1/0, true/false, yes/no, on/off. */
final class Flags {
    private Flags() {
    }

    static boolean parse(String option, String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw new Main.UserError("--" + option + "=" + text + ": expected 0 or 1");
        };
    }
}
