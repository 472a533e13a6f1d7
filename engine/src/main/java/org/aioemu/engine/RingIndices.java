package org.aioemu.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The head and tail of the pool's rings ({@link SharedQueue}, {@link SpscRing}, {@link MpscRing}), each on a
 * cache line of its own so that producers moving the tail and consumers moving the head do not invalidate
 * each other's line: the padding fields of the classes in this chain sit between them (a superclass's fields
 * are laid out before a subclass's). The accessors carry JCTools' vocabulary, and say the ordering they give:
 * {@code lp} plain load, {@code lv} volatile load, {@code so} release store, {@code cas} compare-and-set.
 * Which thread moves which index is each ring's to say.
 */
abstract class RingIndices extends RingIndicesTail {
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(RingIndices.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // HEAD
    private volatile long head;
    long p20, p21, p22, p23, p24, p25, p26, p27;

    final long lpHead() {
        return (long) HEAD.get(this);
    }

    final long lvHead() {
        return (long) HEAD.getVolatile(this);
    }

    final void soHead(long v) {
        HEAD.setRelease(this, v);
    }

    final boolean casHead(long expect, long update) {
        return HEAD.compareAndSet(this, expect, update);
    }
}

abstract class RingIndicesPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class RingIndicesTailField extends RingIndicesPad0 {
    private static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(RingIndicesTailField.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // TAIL
    private volatile long tail;

    /** The tail as stored (a volatile load). */
    final long lvTailRaw() {
        return (long) TAIL.getVolatile(this);
    }

    final boolean casTail(long expect, long update) {
        return TAIL.compareAndSet(this, expect, update);
    }
}

abstract class RingIndicesTail extends RingIndicesTailField {
    long p10, p11, p12, p13, p14, p15, p16, p17;
}
