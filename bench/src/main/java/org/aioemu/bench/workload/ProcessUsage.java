package org.aioemu.bench.workload;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;

/**
 * The process's CPU use so far: user and system time, context switches and page faults, from
 * getrusage(RUSAGE_SELF) (every thread of the process, including ended ones: the loops and the thread-pool
 * workers that do the syscalls). Where that call is unavailable, the JVM's process CPU time, all counted as
 * user time. Any thread.
 *
 * <p>The runner charges a run batch's delta to its jobs in equal shares: the engine's workers serve the
 * jobs' loops, so per-thread attribution would miss the syscall time that matters.
 */
record ProcessUsage(long userNanos, long systemNanos, long contextSwitches, long minorFaults, long majorFaults) {
    private static final MethodHandle GETRUSAGE = lookup();
    private static final int RUSAGE_SELF = 0;
    private static final long SIZE = 144;

    @SuppressWarnings("restricted") // native access is enabled for the whole application (see the parent pom)
    private static MethodHandle lookup() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("getrusage")
                    .map(a -> linker.downcallHandle(a, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    static ProcessUsage now() {
        if (GETRUSAGE != null) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment ru = a.allocate(SIZE, 8);
                int r = (int) GETRUSAGE.invokeExact(RUSAGE_SELF, ru);
                if (r == 0) {
                    long user = ru.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + ru.get(ValueLayout.JAVA_LONG, 8) * 1000L;
                    long sys = ru.get(ValueLayout.JAVA_LONG, 16) * 1_000_000_000L + ru.get(ValueLayout.JAVA_LONG, 24) * 1000L;
                    long minflt = ru.get(ValueLayout.JAVA_LONG, 32 + 4 * 8);
                    long majflt = ru.get(ValueLayout.JAVA_LONG, 32 + 5 * 8);
                    long nvcsw = ru.get(ValueLayout.JAVA_LONG, 32 + 12 * 8);
                    long nivcsw = ru.get(ValueLayout.JAVA_LONG, 32 + 13 * 8);
                    return new ProcessUsage(user, sys, nvcsw + nivcsw, minflt, majflt);
                }
            } catch (Throwable t) {
                // fall through to the JVM's figure
            }
        }
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        long cpu = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
        return new ProcessUsage(Math.max(0, cpu), 0, 0, 0, 0);
    }

    ProcessUsage minus(ProcessUsage before) {
        return new ProcessUsage(userNanos - before.userNanos, systemNanos - before.systemNanos,
                contextSwitches - before.contextSwitches, minorFaults - before.minorFaults, majorFaults - before.majorFaults);
    }
}
