package io.streamwatch.detect;

/** What {@link DetectionFunction} remembers about a series apart from its detectors. */
public class SeriesState {
    /** {@link #pendingTimer} when no timer is registered. */
    public static final long NO_TIMER = Long.MIN_VALUE;

    /** End of the last window processed; windows ending at or before it are not processed again. */
    public long lastWindowEnd = Long.MIN_VALUE;
    /** Length of the last window, the unit in which silence is counted. */
    public long windowLength;
    /** The one event-time timer registered for this series, or {@link #NO_TIMER}. */
    public long pendingTimer = NO_TIMER;

    public SeriesState() {}
}
