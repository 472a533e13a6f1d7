package org.aioemu.bench.workload;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * fio's flow control (flow, flow_id, flow_sleep): the jobs of one flow id keep the numbers of requests they issue
 * in the ratio of their flow weights. A job about to issue compares its share of the group's count with its share
 * of the group's weight; while it is ahead it holds back (for flow_sleep µs, once its queue has drained), otherwise
 * it counts the request in both. A job that ends takes its count and weight out of the group, so the jobs left are
 * not held to a finished one. As in fio the group's count starts at 1, so the first request of every job goes.
 *
 * <p>One registry per batch of jobs that run together. Threading: {@link #join} on the runner thread while jobs are
 * set up; a {@link Member} on its job's loop thread; the group's counters are atomics shared by those loops (plain
 * increments with no ordering beyond the atomics': a share a request or two stale only shifts the ratio by that).
 */
final class Flows {
    /** fio's FLOW_MAX_WEIGHT. */
    static final int MAX_WEIGHT = 1000;

    private final Map<Integer, Group> groups = new HashMap<>();

    /** Adds a job of {@code weight} (1..1000) to flow {@code id}. Runner thread. */
    synchronized Member join(int id, int weight) {
        Group g = groups.computeIfAbsent(id, k -> new Group());
        g.refs++;
        g.totalWeight.addAndGet(weight);
        return new Member(id, g, weight);
    }

    private synchronized void leave(Member m) {
        m.group.count.addAndGet(-m.issued);
        m.group.totalWeight.addAndGet(-m.weight);
        if (--m.group.refs == 0) {
            groups.remove(m.id);
        }
    }

    private static final class Group {
        final AtomicLong count = new AtomicLong(1);
        final AtomicLong totalWeight = new AtomicLong();
        int refs; // guarded by the registry
    }

    /** One job's place in its flow. Its job's loop thread only. */
    final class Member {
        private final int id;
        private final Group group;
        private final int weight;
        private long issued;
        private boolean left;

        private Member(int id, Group group, int weight) {
            this.id = id;
            this.group = group;
            this.weight = weight;
        }

        /** Whether the job is ahead of its share and must hold back; if not, the request is counted. */
        boolean holdBack() {
            double mine = (double) issued / group.count.get();
            double share = (double) weight / Math.max(1, group.totalWeight.get());
            if (mine > share) {
                return true;
            }
            group.count.incrementAndGet();
            issued++;
            return false;
        }

        /** The job ended: its requests and weight leave the group. Idempotent. */
        void leave() {
            if (!left) {
                left = true;
                Flows.this.leave(this);
            }
        }
    }
}
