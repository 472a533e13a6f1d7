package org.aioemu.bench.workload;

/** The actions of an I/O trace (fio's iolog): file management, transfers, syncs and pauses. */
public enum TraceAction {
    ADD, OPEN, CLOSE, READ, WRITE, SYNC, DATASYNC, TRIM, WAIT;

    /** fio's iolog spelling of this action. */
    public String fioName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
