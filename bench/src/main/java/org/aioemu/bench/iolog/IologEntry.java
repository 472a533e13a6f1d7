package org.aioemu.bench.iolog;

/**
 * One line of a fio iolog.
 *
 * <p>{@code timeNanos} is the earliest time, counted from the start of the trace, at which the entry
 * should be issued, or -1 when unknown. For version 3 it is the line's timestamp (microseconds in the
 * file) times 1000. For version 2 it is derived from the {@code wait} lines the way fio 3.33 replays them:
 * a {@code wait N} holds everything after it until N <em>milliseconds</em> after the start (an absolute
 * deadline, not a relative pause in microseconds as fio's HOWTO says; a deadline already passed holds
 * nothing), so each entry carries the latest deadline seen so far, 0 before the first wait. fio counts the
 * deadline from its job thread's creation, about 100 ms before its job clock starts (a startup artefact, so fio
 * reports N - 100 ms); aioemu counts it from the job's start (IologFioRoundTripTest compares the two).
 *
 * <p>For {@link IologAction#WAIT} entries {@code offset} holds the wait value exactly as written and
 * {@code length} the fourth column as written; {@code file} is null. File actions have offset and length 0.
 */
public record IologEntry(long timeNanos, String file, IologAction action, long offset, long length) {
}
