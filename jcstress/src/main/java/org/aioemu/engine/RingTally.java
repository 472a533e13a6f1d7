package org.aioemu.engine;

/**
 * What the consumer of an {@link MpscRing} jcstress test took: the bit mask of the ids taken (each id one bit) and
 * error flags: 8 an element taken twice, 16 its payload (written before the offer) not visible, 32 taken before the
 * element its producer offered first. Not a jcstress test. Used by one thread at a time: the consumer actor, then the
 * arbiter, which jcstress runs after every actor.
 */
final class RingTally {
    /** Per id bit: the id its producer offered just before it (0: first of its producer). */
    private final int[] offeredAfter = new int[32];
    int mask;
    int errors;

    /** {@code first} then {@code then} come from one producer, in that order. */
    RingTally order(int first, int then) {
        offeredAfter[Integer.numberOfTrailingZeros(then)] = first;
        return this;
    }

    /** Polls one element and records it; false when the ring had none published. */
    boolean take(MpscRing<TestRequest> ring) {
        TestRequest t = ring.poll();
        if (t == null) {
            return false;
        }
        if (t.payload != t.id) {
            errors |= 16;
        }
        if ((mask & t.id) != 0) {
            errors |= 8;
        }
        int before = offeredAfter[Integer.numberOfTrailingZeros(t.id)];
        if (before != 0 && (mask & before) == 0) {
            errors |= 32;
        }
        mask |= t.id;
        return true;
    }

    /** Polls until the ring is empty. */
    void drain(MpscRing<TestRequest> ring) {
        while (take(ring)) {
            // recorded by take
        }
    }
}
