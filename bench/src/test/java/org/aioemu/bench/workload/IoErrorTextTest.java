package org.aioemu.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.aioemu.engine.Errno;
import org.junit.jupiter.api.Test;

/** A failed request's message names its errno once, whatever the engine's detail restates. */
class IoErrorTextTest {
    @Test
    void aDetailRestatingTheErrnoKeepsOnlyTheCall() {
        assertEquals(" in pwrite: ENOSPC (No space left on device)",
                IoErrorText.of(-Errno.ENOSPC, "pwrite failed: ENOSPC (No space left on device)"));
    }

    @Test
    void withoutDetailTheErrnoAlone() {
        assertEquals(": EIO (Input/output error)", IoErrorText.of(-Errno.EIO, null));
    }

    @Test
    void anOtherDetailFollowsTheErrno() {
        assertEquals(": EINVAL (Invalid argument); offset 513 is not aligned to 512",
                IoErrorText.of(-Errno.EINVAL, "offset 513 is not aligned to 512"));
    }
}
