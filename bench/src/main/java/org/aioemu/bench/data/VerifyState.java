package org.aioemu.bench.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * How far a verifying write job got (fio's verify_state_save / verify_state_load), in the file fio 3.33 writes,
 * {@code local-<job>-<index>-verify.state}, so that fio's {@code fio-verify-state} prints ours: the writes issued
 * ({@code numberio}), the queue depth, and the last {@code depth} completed writes (file number and offset). A later
 * verify_only run then checks only writes the job issued, and of the last {@code depth} only those that completed.
 *
 * <p>Layout (little-endian): a header {@code version (3), size, crc32c} of 8 bytes each, then the thread's record of
 * {@code size} bytes (the crc is fio's: the standard crc32c's complement): {@code completions u64, depth u32, files u32, numberio u64, index u64}, fio's random-generator
 * state (56 bytes, zero here: aioemu's generator is its own), the job name (64 bytes, NUL-padded), then per
 * completion {@code file u64, offset u64}.
 *
 * @param name      the job's name
 * @param index     the job's number among all jobs, from 0 (fio's thread number - 1)
 * @param numberio  writes issued
 * @param depth     the job's iodepth
 * @param files     file number of each of the last completions
 * @param offsets   offset of each of the last completions
 */
public record VerifyState(String name, long index, long numberio, int depth, long[] files, long[] offsets) {
    private static final int VERSION = 3;
    private static final int HEADER = 24;
    /** fio's thread_rand_state: a 64-bit flag and six 64-bit words. */
    private static final int RANDOM_STATE = 56;
    private static final int FIXED = 8 + 4 + 4 + 8 + 8 + RANDOM_STATE + 64;
    private static final int NAME = 64;

    public VerifyState {
        if (files.length != offsets.length) {
            throw new IllegalArgumentException("a file number and an offset per completion");
        }
    }

    /** fio's name for job {@code name}'s state file, number {@code index} (from 0) among all jobs. */
    public static String fileName(String name, long index) {
        return "local-" + name + "-" + index + "-verify.state";
    }

    /** Whether write number {@code n} (from 0, in issue order) is known to have completed. */
    public boolean completed(long n, int file, long offset) {
        if (n >= numberio) {
            return false;
        }
        if (n < numberio - depth) {
            return true; // at most depth were in flight when the job ended: all before those had completed
        }
        for (int i = 0; i < files.length; i++) {
            if (files[i] == file && offsets[i] == offset) {
                return true;
            }
        }
        return false;
    }

    /** fio's crc32c as it stores it: the register without the final inversion, i.e. the standard value's complement. */
    private static long fioCrc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return ~crc.getValue() & 0xffff_ffffL;
    }

    public void write(Path file) throws IOException {
        int size = FIXED + 16 * files.length;
        ByteBuffer b = ByteBuffer.allocate(HEADER + size).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(VERSION).putLong(size).putLong(0); // crc filled in below
        b.putLong(files.length).putInt(depth).putInt(1).putLong(numberio).putLong(index);
        b.position(b.position() + RANDOM_STATE); // fio's random state: meaningless across tools
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        b.put(n, 0, Math.min(n.length, NAME - 1));
        b.position(HEADER + FIXED);
        for (int i = 0; i < files.length; i++) {
            b.putLong(files[i]).putLong(offsets[i]);
        }
        b.putLong(16, fioCrc(b.array(), HEADER, size));
        Files.write(file, b.array());
    }

    /** Reads a state file; a missing, short, corrupt or foreign one is an IOException saying which. */
    public static VerifyState read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no verify state file (the writing job saves it with"
                    + " verify_state_save, fio's default, in the directory it runs in or --aux-path)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < HEADER + FIXED) {
            throw new IOException(file + ": " + bytes.length + " bytes is too short for a verify state file");
        }
        long version = b.getLong();
        long size = b.getLong();
        long crc = b.getLong();
        if (version != VERSION) {
            throw new IOException(file + ": verify state version " + version + ", expected " + VERSION);
        }
        if (size != bytes.length - HEADER) {
            throw new IOException(file + ": the header says " + size + " bytes of state, the file holds " + (bytes.length - HEADER));
        }
        long computed = fioCrc(bytes, HEADER, (int) size);
        if (computed != crc) {
            throw new IOException(file + ": verify state crc32c mismatch (0x" + Long.toHexString(computed)
                    + " computed, 0x" + Long.toHexString(crc) + " stored)");
        }
        long completions = b.getLong();
        int depth = b.getInt();
        b.getInt(); // files
        long numberio = b.getLong();
        long index = b.getLong();
        b.position(b.position() + RANDOM_STATE);
        byte[] n = new byte[NAME];
        b.get(n);
        int len = 0;
        while (len < NAME && n[len] != 0) {
            len++;
        }
        if (completions < 0 || completions != (size - FIXED) / 16 || (size - FIXED) % 16 != 0) {
            throw new IOException(file + ": " + completions + " completions do not fit the " + size + "-byte state");
        }
        long[] files = new long[(int) completions];
        long[] offsets = new long[(int) completions];
        for (int i = 0; i < completions; i++) {
            files[i] = b.getLong();
            offsets[i] = b.getLong();
        }
        return new VerifyState(new String(n, 0, len, StandardCharsets.UTF_8), index, numberio, depth, files, offsets);
    }
}
