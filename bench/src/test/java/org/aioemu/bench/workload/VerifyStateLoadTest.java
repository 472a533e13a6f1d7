package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.aioemu.bench.data.VerifyState;
import org.aioemu.bench.job.JobOptions;
import org.aioemu.bench.job.JobOptions.RwMode;
import org.aioemu.bench.report.JobStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * verify_state_save and verify_state_load, as fio 3.33 does them: a verifying write job cut short saves how far it
 * got, and a verify_only run that loads it checks just those writes (without it, the blocks never written fail).
 */
class VerifyStateLoadTest {
    @TempDir
    Path dir;

    @Test
    void aVerifyOnlyRunChecksWhatTheCutShortJobWrote() throws Exception {
        JobOptions w = job();
        w.numberIos = 100; // ends the job after 100 of its 256 writes
        w.doVerify = false;
        JobStats written = Jobs.run(w);
        assertEquals(0, written.error, written.errorMessage);
        assertEquals(100, written.write.ios);
        VerifyState s = VerifyState.read(dir.resolve("local-v-0-verify.state"));
        assertEquals(100, s.numberio());
        assertEquals(8, s.depth());
        assertEquals(8, s.files().length, "the last iodepth completions");

        JobOptions check = job();
        check.verifyOnly = true;
        check.verifyStateLoad = true;
        JobStats verified = Jobs.run(check);
        assertEquals(0, verified.error, verified.errorMessage);
        assertEquals(100, verified.read.ios, "the 100 writes read back and checked");
        assertEquals(100, VerifyState.read(dir.resolve("local-v-0-verify.state")).numberio(),
                "a verify_only run leaves the state as it found it");

        JobOptions all = job();
        all.verifyOnly = true;
        JobStats full = Jobs.run(all);
        assertEquals(84, full.error, "without the state every block is checked, and the unwritten fail: " + full.errorMessage);
    }

    @Test
    void aMissingStateFailsBeforeAnyIoAndSavingCanBeTurnedOff() {
        JobOptions w = job();
        w.verifyStateSave = false;
        assertEquals(0, Jobs.run(w).error);
        assertFalse(Files.exists(dir.resolve("local-v-0-verify.state")), "verify_state_save=0 saves nothing");
        JobOptions check = job();
        check.verifyOnly = true;
        check.verifyStateLoad = true;
        JobStats s = Jobs.run(check);
        assertEquals(2, s.error, "ENOENT: " + s.errorMessage);
        assertTrue(s.errorMessage.contains("local-v-0-verify.state"), s.errorMessage);
        assertEquals(0, s.read.ios);
    }

    private JobOptions job() {
        JobOptions o = Jobs.job("v", dir);
        o.rw = RwMode.RANDWRITE;
        o.size = 1 << 20;
        o.iodepth = 8;
        o.verify = JobOptions.Verify.CRC32C;
        return o;
    }
}
