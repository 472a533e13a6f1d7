package org.aioemu.blockdev;

import java.util.ArrayList;
import java.util.List;

/**
 * What a command line's {@code --throttle=KEY=VALUE[,KEY=VALUE...]} says: QEMU's {@code throttling.*} limits (the
 * keys of {@link ThrottleLimits#KEYS}, the prefix optional) and, with {@code throttle-group=NAME}, the named group
 * they are shared in. Immutable; any thread.
 *
 * @param groupName the group's name, or null for limits of the backend's own
 * @param limits    the limits given, or null when only a group name is (its members' limits then hold)
 */
public record ThrottleOptions(String groupName, ThrottleLimits limits) {
    /**
     * Reads the option's value.
     *
     * @throws IllegalArgumentException in one line naming the bad key or value, or the QEMU rule broken; also when
     *                                  neither a limit nor a group is given
     */
    public static ThrottleOptions parse(String text) {
        String group = null;
        List<String> rest = new ArrayList<>();
        for (String pair : text.split(",")) {
            String p = pair.trim();
            if (p.startsWith("throttle-group=")) {
                if (group != null) {
                    throw new IllegalArgumentException("throttling option 'throttle-group' is given twice");
                }
                group = p.substring("throttle-group=".length()).trim();
                if (group.isEmpty()) {
                    throw new IllegalArgumentException("throttle-group needs a name");
                }
            } else if (!p.isEmpty()) {
                rest.add(p);
            }
        }
        if (group == null && rest.isEmpty()) {
            throw new IllegalArgumentException("no throttling limit given (KEY=VALUE with KEY one of "
                    + String.join(", ", ThrottleLimits.KEYS) + ", throttle-group)");
        }
        ThrottleLimits limits = rest.isEmpty() ? null : ThrottleLimits.parse(String.join(",", rest));
        return new ThrottleOptions(group, limits);
    }

    /**
     * The group a backend opened with these options joins: the named one ({@link ThrottleGroup#named}), or a new one
     * of its own. Call once per backend.
     */
    public ThrottleGroup group() {
        return groupName != null ? ThrottleGroup.named(groupName, limits)
                : ThrottleGroup.create(null, limits == null ? ThrottleLimits.NONE : limits);
    }
}
