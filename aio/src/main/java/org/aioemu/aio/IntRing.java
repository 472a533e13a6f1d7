package org.aioemu.aio;

/**
 * A FIFO of ints in a power-of-two array that doubles when full and never shrinks, so that once it has
 * grown to the deepest queue seen, adding and taking allocate nothing. Used by the io_uring engine for
 * the slot numbers of requests waiting for room in the ring and of results waiting for delivery.
 *
 * <p>Threading: not thread-safe; owned by one thread (the engine's loop thread).
 */
final class IntRing {
    private int[] items;
    private int head;
    private int count;

    /** Room for {@code capacity} (a power of two) before the first growth. */
    IntRing(int capacity) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        items = new int[capacity];
    }

    boolean isEmpty() {
        return count == 0;
    }

    int size() {
        return count;
    }

    void addLast(int value) {
        if (count == items.length) {
            grow();
        }
        items[(head + count) & (items.length - 1)] = value;
        count++;
    }

    /** Puts {@code value} at the head: for an entry that was taken but could not be served after all. */
    void addFirst(int value) {
        if (count == items.length) {
            grow();
        }
        head = (head - 1) & (items.length - 1);
        items[head] = value;
        count++;
    }

    /** Takes the head. The ring must not be empty. */
    int pollFirst() {
        if (count == 0) {
            throw new IllegalStateException("empty ring");
        }
        int value = items[head];
        head = (head + 1) & (items.length - 1);
        count--;
        return value;
    }

    /** Removes the first occurrence of {@code value}, keeping the order of the rest. Linear: for rare paths (cancel). */
    boolean remove(int value) {
        int mask = items.length - 1;
        for (int i = 0; i < count; i++) {
            if (items[(head + i) & mask] == value) {
                for (int j = i; j < count - 1; j++) {
                    items[(head + j) & mask] = items[(head + j + 1) & mask];
                }
                count--;
                return true;
            }
        }
        return false;
    }

    /** Doubles the array, unrolling the ring to start at index 0. */
    private void grow() {
        int n = items.length;
        int[] bigger = new int[n * 2];
        for (int i = 0; i < count; i++) {
            bigger[i] = items[(head + i) & (n - 1)];
        }
        items = bigger;
        head = 0;
    }
}
