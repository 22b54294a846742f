package io.streamwatch.model;

/**
 * What the source emits for each Kafka record: exactly one of a valid {@link Event} or a
 * {@link DeadLetter}. Parsing happens in the source so that per-partition watermarks see event time.
 */
public class Ingested {
    public Event event;
    public DeadLetter deadLetter;

    public Ingested() {}

    public static Ingested valid(Event event) {
        Ingested i = new Ingested();
        i.event = event;
        return i;
    }

    public static Ingested invalid(DeadLetter deadLetter) {
        Ingested i = new Ingested();
        i.deadLetter = deadLetter;
        return i;
    }

    public boolean isValid() {
        return event != null;
    }

    @Override
    public String toString() {
        return isValid() ? event.toString() : deadLetter.toString();
    }
}
