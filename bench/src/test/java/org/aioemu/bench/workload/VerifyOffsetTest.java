package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify_offset: a writing job stores each block's header at that offset, and its verify phase checks them there. */
class VerifyOffsetTest {
    private static final int MAGIC = 0x766f6961;

    @TempDir
    Path dir;

    @Test
    void headersAreStoredAtTheOffsetAndTheBlocksVerify() throws Exception {
        for (JobOptions.Verify kind : new JobOptions.Verify[] {JobOptions.Verify.CRC32C, JobOptions.Verify.MD5}) {
            JobOptions o = job("vo-" + kind, kind, 1024);
            JobStats s = Jobs.run(o);
            assertEquals(0, s.error, s.errorMessage);
            assertEquals(256, s.write.ios, kind.toString());
            assertEquals(256, s.read.ios, kind + ": every block read back and checked");
            ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(o.name + ".0.0"))).order(ByteOrder.LITTLE_ENDIAN);
            for (int block = 0; block < 256; block++) {
                assertEquals(MAGIC, file.getInt(block * 4096 + 1024), kind + ": the header of block " + block + " at +1024");
                assertNotEquals(MAGIC, file.getInt(block * 4096), kind + ": and not at its start");
            }
        }
    }

    @Test
    void aCorruptedStoredHeaderFailsTheVerifyPhase() throws Exception {
        JobOptions write = job("vo-bad", JobOptions.Verify.CRC32C, 2048);
        write.doVerify = false;
        assertEquals(0, Jobs.run(write).error);
        Path file = dir.resolve(write.name + ".0.0");
        byte[] bytes = Files.readAllBytes(file);
        bytes[7 * 4096 + 2048 + 17] ^= 4; // the stored header of block 7
        Files.write(file, bytes);
        JobOptions check = job("vo-bad", JobOptions.Verify.CRC32C, 2048);
        check.verifyOnly = true;
        JobStats s = Jobs.run(check);
        assertEquals(84, s.error, "EILSEQ, as fio reports a verify failure: " + s.errorMessage);
        assertTrue(s.errorMessage.contains("at offset " + 7 * 4096), s.errorMessage);
    }

    @Test
    void anOffsetWithoutRoomForTheHeaderIsRefusedBeforeAnyIo() {
        for (int offset : new int[] {20, 4096 - 47}) {
            JobOptions o = job("vo-big" + offset, JobOptions.Verify.CRC32C, offset);
            JobStats s = Jobs.run(o);
            assertEquals(22, s.error, "EINVAL: " + s.errorMessage);
            assertTrue(s.errorMessage.contains("verify_offset=" + offset), s.errorMessage);
            assertTrue(Files.notExists(dir.resolve(o.name + ".0.0")), "no file laid out");
        }
    }

    private JobOptions job(String name, JobOptions.Verify kind, int verifyOffset) {
        JobOptions o = Jobs.job(name, dir);
        o.rw = RwMode.RANDWRITE;
        o.size = 1 << 20;
        o.verify = kind;
        o.verifyOffset = verifyOffset;
        return o;
    }
}
