package io.streamwatch.serde;

import java.io.Serializable;
import java.util.List;

/** Which JSON field of a producer's records holds each part of the event contract. */
public record FieldNames(
        String eventId, String seriesKey, String eventTime, String value, String source, String unit, String attributes)
        implements Serializable {

    public static final FieldNames DEFAULT =
            new FieldNames("event_id", "series_key", "event_time", "value", "source", "unit", "attributes");

    /** The config keys under which each field's name is set, in constructor order. */
    public static final List<String> KEYS =
            List.of("event-id", "series-key", "event-time", "value", "source", "unit", "attributes");

    public List<String> all() {
        return List.of(eventId, seriesKey, eventTime, value, source, unit, attributes);
    }

    public static FieldNames of(List<String> names) {
        return new FieldNames(
                names.get(0), names.get(1), names.get(2), names.get(3), names.get(4), names.get(5), names.get(6));
    }
}
