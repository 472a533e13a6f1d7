package org.aioemu.bench.workload;

import org.aioemu.engine.Errno;

/**
 * The text after "... failed" for a request that failed with {@code -errno}: the errno named once. The engine's
 * detail often restates it ("pwrite failed: ENOSPC (No space left on device)"); then only the call it names is
 * kept, giving "failed in pwrite: ENOSPC (No space left on device)" rather than the errno twice. Error path only.
 */
final class IoErrorText {
    private IoErrorText() {
    }

    /** {@code ": ENOSPC (No space left on device)"}, or {@code " in pwrite: ENOSPC (...)"}, or with "; detail". */
    static String of(int result, String detail) {
        String errno = Errno.name(result) + " (" + Errno.describe(result) + ")";
        if (detail == null) {
            return ": " + errno;
        }
        String suffix = " failed: " + errno;
        if (detail.endsWith(suffix)) {
            return " in " + detail.substring(0, detail.length() - suffix.length()) + ": " + errno;
        }
        if (detail.endsWith(errno)) {
            return ": " + detail;
        }
        return ": " + errno + "; " + detail;
    }
}
