package io.streamwatch.detect;

/** Whether one detector has an anomaly open on one series; see {@link AnomalyLifecycle}. */
public class LifecycleState {
    public boolean open;
    /** Identity of the open anomaly (with series key and detector). */
    public long openedWindowStart;
    /** Score that opened it: its severity is carried to the RESOLVED event. */
    public double openedScore;
    /** Consecutive observations below the resolve threshold since the last one that was not. */
    public int normalStreak;

    public LifecycleState() {}
}
