package org.aioemu.bench.job;

import static org.aioemu.bench.job.OptionSpec.Kind.CHOICE;
import static org.aioemu.bench.job.OptionSpec.Kind.STRING;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Rows of the option table for what a job does about I/O errors: fio's {@code continue_on_error} (which classes of
 * error let the job go on) and {@code ignore_error} (which errnos of each class do; by default EIO and EILSEQ, as
 * fio's non-fatal list).
 */
final class ErrorOptions {
    private static final Map<String, Integer> CLASSES = new LinkedHashMap<>();
    /** Linux errno names fio's ignore_error takes, and their numbers. */
    private static final Map<String, Integer> ERRNOS = new LinkedHashMap<>();

    static {
        CLASSES.put("none", 0);
        CLASSES.put("0", 0);
        CLASSES.put("read", JobOptions.ERRORS_READ);
        CLASSES.put("write", JobOptions.ERRORS_WRITE);
        CLASSES.put("io", JobOptions.ERRORS_READ | JobOptions.ERRORS_WRITE);
        CLASSES.put("verify", JobOptions.ERRORS_VERIFY);
        CLASSES.put("all", JobOptions.ERRORS_ALL);
        CLASSES.put("1", JobOptions.ERRORS_ALL);
        String[] names = {null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
            "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR",
            "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE",
            "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP"};
        for (int i = 1; i < names.length; i++) {
            ERRNOS.put(names[i], i);
        }
        ERRNOS.put("EWOULDBLOCK", 11);
        ERRNOS.put("EOVERFLOW", 75);
        ERRNOS.put("EILSEQ", 84);
        ERRNOS.put("EOPNOTSUPP", 95);
        ERRNOS.put("ENOTSUP", 95);
        ERRNOS.put("ECONNRESET", 104);
        ERRNOS.put("ESHUTDOWN", 108);
        ERRNOS.put("ETIMEDOUT", 110);
        ERRNOS.put("EREMOTEIO", 121);
        ERRNOS.put("EDQUOT", 122);
        ERRNOS.put("ENOMEDIUM", 123);
        ERRNOS.put("ECANCELED", 125);
    }

    private ErrorOptions() {
    }

    static void register(OptionTable.Builder b) {
        b.add("continue_on_error", CHOICE, "Errors of these classes do not stop the job (counted as total_err, first_error):"
                + " none (default), read, write, io (both), verify, all; only the errnos ignore_error lists (EIO and EILSEQ"
                + " by default)", (o, v, c) -> o.continueOnError = ApplyContext.choice(v.trim().toLowerCase(Locale.ROOT), CLASSES));
        b.add("ignore_error", STRING, "The errnos continue_on_error lets pass, per class: READ,WRITE,VERIFY lists of names"
                + " or numbers joined by ':' (ignore_error=EAGAIN,ENOSPC:122); a class left empty keeps EIO and EILSEQ",
                (o, v, c) -> o.ignoreError = ignoreLists(v));
    }

    /** fio's syntax: classes separated by ',' (read, write, verify), errnos in a class by ':'. */
    static int[][] ignoreLists(String value) {
        String[] classes = value.trim().split(",", -1);
        if (classes.length > 3) {
            throw ValueException.expected("at most three lists (read, write, verify) separated by ','");
        }
        int[][] lists = new int[3][];
        for (int k = 0; k < classes.length; k++) {
            if (classes[k].isBlank()) {
                continue;
            }
            String[] items = classes[k].trim().split(":");
            int[] list = new int[items.length];
            for (int i = 0; i < items.length; i++) {
                list[i] = errno(items[i].trim());
            }
            lists[k] = list;
        }
        return lists;
    }

    private static int errno(String item) {
        Integer named = ERRNOS.get(item.toUpperCase(Locale.ROOT));
        if (named != null) {
            return named;
        }
        try {
            int n = Integer.parseInt(item);
            if (n > 0 && n < 4096) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw ValueException.expected("errno names (EIO, ENOSPC, ...) or numbers, ':' between errnos and ',' between the"
                + " read, write and verify lists; '" + item + "' is neither");
    }
}
