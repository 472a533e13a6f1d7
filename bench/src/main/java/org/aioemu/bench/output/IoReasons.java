package org.aioemu.bench.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * The reason of a failed file operation in the words a user can act on: the C library's text with the errno
 * name, e.g. {@code "No space left on device (ENOSPC)"}. Java's I/O exceptions carry strerror's text (or only a
 * type and the path) but not the errno, so the name is recovered from them here, in one place.
 */
public final class IoReasons {
    private static final String[][] STRERROR = {
            {"No space left on device", "ENOSPC"},
            {"Disk quota exceeded", "EDQUOT"},
            {"Read-only file system", "EROFS"},
            {"Is a directory", "EISDIR"},
            {"Not a directory", "ENOTDIR"},
            {"No such file or directory", "ENOENT"},
            {"Permission denied", "EACCES"},
            {"Operation not permitted", "EPERM"},
            {"File exists", "EEXIST"},
            {"File too large", "EFBIG"},
            {"Input/output error", "EIO"},
            {"Too many open files", "EMFILE"},
            {"Broken pipe", "EPIPE"},
            {"File name too long", "ENAMETOOLONG"},
    };

    private IoReasons() {
    }

    /** Why {@code e} happened, without the path (the caller names the file once). */
    public static String of(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            e = u.getCause();
        }
        String text;
        if (e instanceof FileSystemException f) {
            text = f.getReason();
            if (text == null) {
                text = switch (f) {
                    case NoSuchFileException n -> "No such file or directory";
                    case AccessDeniedException a -> "Permission denied";
                    case FileAlreadyExistsException x -> "File exists";
                    case NotDirectoryException n -> "Not a directory";
                    case DirectoryNotEmptyException d -> "Directory not empty";
                    default -> f.getClass().getSimpleName();
                };
            }
        } else {
            text = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            // FileOutputStream's open puts the path first: "/x/y (No such file or directory)".
            int open = text.lastIndexOf(" (");
            if (open >= 0 && text.endsWith(")")) {
                text = text.substring(open + 2, text.length() - 1);
            }
        }
        for (String[] known : STRERROR) {
            if (text.toLowerCase(Locale.ROOT).contains(known[0].toLowerCase(Locale.ROOT))) {
                return known[0] + " (" + known[1] + ")";
            }
        }
        return text;
    }

    /** {@code "PATH: reason"}, the one-line form for a message about a file. */
    public static String describe(Object path, Throwable e) {
        return path + ": " + of(e);
    }

    /** The exception to throw for a failed operation on a file: one line, naming the file and the reason. */
    public static IOException failure(Object path, String doing, Throwable e) {
        return new IOException("cannot " + doing + " " + path + ": " + of(e), e);
    }
}
