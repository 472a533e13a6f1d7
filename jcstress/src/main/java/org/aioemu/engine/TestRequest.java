package org.aioemu.engine;

/** A pool request carrying one plain int, to see what a hand-off publishes. Not a jcstress test. */
final class TestRequest extends PoolRequest {
    final int id;
    /** Written plainly by the submitter before {@link #queue}; read by whoever takes the request. */
    int payload;

    TestRequest(int id) {
        this.id = id;
    }

    /** The submitter's side of a submit: fill the request, then stamp it queued for submission {@code sub}. */
    TestRequest prepared(int payload, long sub) {
        this.payload = payload;
        queue(sub);
        return this;
    }

    @Override
    int runOnWorker() {
        return 0;
    }

    @Override
    void completeOnLoop(int result) {
    }

    /** What a taker reports: the payload it saw, -1 for nothing taken. */
    static int seen(PoolRequest r) {
        return r == null ? -1 : ((TestRequest) r).payload;
    }
}
