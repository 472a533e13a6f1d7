package org.aioemu.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DoneStack} on one thread: a take returns everything pushed since the last one, oldest first, once. */
class DoneStackTest {
    static final class Req extends PoolRequest {
        final int id;

        Req(int id) {
            this.id = id;
        }

        @Override
        int runOnWorker() {
            return 0;
        }

        @Override
        void completeOnLoop(int result) {
        }
    }

    static List<Integer> ids(PoolRequest r) {
        List<Integer> out = new ArrayList<>();
        for (; r != null; r = r.doneNext) {
            out.add(((Req) r).id);
        }
        return out;
    }

    @Test
    void takesEverythingInPushOrderOnce() {
        DoneStack s = new DoneStack();
        assertNull(s.takeAll());
        s.push(new Req(1));
        s.push(new Req(2));
        s.push(new Req(3));
        assertEquals(List.of(1, 2, 3), ids(s.takeAll()));
        assertNull(s.takeAll());
        s.push(new Req(4));
        assertEquals(List.of(4), ids(s.takeAll()));
    }
}
