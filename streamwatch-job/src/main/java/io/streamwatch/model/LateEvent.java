package io.streamwatch.model;

/** A valid event that arrived after its window was closed for good (beyond the allowed lateness). */
public class LateEvent {
    public Event event;
    /** The watermark of its partition when it was read ({@link Event#partitionWatermark}), epoch milliseconds. */
    public long watermark;

    public LateEvent() {}

    public LateEvent(Event event, long watermark) {
        this.event = event;
        this.watermark = watermark;
    }

    @Override
    public String toString() {
        return "LateEvent{" + event + ", watermark=" + watermark + "}";
    }
}
