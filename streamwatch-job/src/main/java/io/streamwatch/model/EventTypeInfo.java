package io.streamwatch.model;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink type information for {@link Event}: an explicit serializer instead of the POJO serializer.
 * Every event crosses the network twice (to dedupe, and to the windows, each keyed by series); the
 * POJO serializer reads and writes each field by reflection, with a null mask and a subclass tag,
 * which was 13-19 % of the Java samples of the benchmark's profile (docs/benchmarks.md).
 *
 * <p>Events are never kept in keyed state, only sent between operators, so the format may change
 * between versions; the snapshot's version says which one a checkpoint's channel state used.
 * {@code EventTypeInfoTest} fails when {@link Event} gains a field this serializer does not write.
 */
public final class EventTypeInfo extends ExplicitTypeInfo<Event> {
    private static final long serialVersionUID = 1L;

    public EventTypeInfo() {
        super(Event.class, Serializer.INSTANCE);
    }

    public static final class Factory extends TypeInfoFactory<Event> {
        @Override
        public TypeInformation<Event> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new EventTypeInfo();
        }
    }

    /** Strings as Flink's own string serializer writes them (any text, null included), the rest as they are. */
    public static final class Serializer extends TypeSerializerSingleton<Event> {
        private static final long serialVersionUID = 1L;
        static final Serializer INSTANCE = new Serializer();
        private static final int NO_ATTRIBUTES = -1;

        @Override
        public boolean isImmutableType() {
            return false;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public Event createInstance() {
            return new Event();
        }

        @Override
        public Event copy(Event from) {
            Event to = new Event();
            to.eventId = from.eventId;
            to.seriesKey = from.seriesKey;
            to.eventTime = from.eventTime;
            to.value = from.value;
            to.source = from.source;
            to.unit = from.unit;
            to.attributes = from.attributes == null || from.attributes.isEmpty()
                    ? from.attributes
                    : new LinkedHashMap<>(from.attributes);
            to.topic = from.topic;
            to.partition = from.partition;
            to.offset = from.offset;
            to.kafkaTimestamp = from.kafkaTimestamp;
            to.partitionWatermark = from.partitionWatermark;
            return to;
        }

        @Override
        public Event copy(Event from, Event reuse) {
            return copy(from);
        }

        @Override
        public void serialize(Event e, DataOutputView out) throws IOException {
            StringValue.writeString(e.eventId, out);
            StringValue.writeString(e.seriesKey, out);
            out.writeLong(e.eventTime);
            out.writeDouble(e.value);
            StringValue.writeString(e.source, out);
            StringValue.writeString(e.unit, out);
            if (e.attributes == null) {
                out.writeInt(NO_ATTRIBUTES);
            } else {
                out.writeInt(e.attributes.size());
                for (Map.Entry<String, String> a : e.attributes.entrySet()) {
                    StringValue.writeString(a.getKey(), out);
                    StringValue.writeString(a.getValue(), out);
                }
            }
            StringValue.writeString(e.topic, out);
            out.writeInt(e.partition);
            out.writeLong(e.offset);
            out.writeLong(e.kafkaTimestamp);
            out.writeLong(e.partitionWatermark);
        }

        @Override
        public Event deserialize(DataInputView in) throws IOException {
            Event e = new Event();
            e.eventId = StringValue.readString(in);
            e.seriesKey = StringValue.readString(in);
            e.eventTime = in.readLong();
            e.value = in.readDouble();
            e.source = StringValue.readString(in);
            e.unit = StringValue.readString(in);
            int attributes = in.readInt();
            if (attributes == NO_ATTRIBUTES) {
                e.attributes = null;
            } else if (attributes == 0) {
                e.attributes = Map.of();
            } else {
                Map<String, String> m = new LinkedHashMap<>();
                for (int i = 0; i < attributes; i++) m.put(StringValue.readString(in), StringValue.readString(in));
                e.attributes = m;
            }
            e.topic = StringValue.readString(in);
            e.partition = in.readInt();
            e.offset = in.readLong();
            e.kafkaTimestamp = in.readLong();
            e.partitionWatermark = in.readLong();
            return e;
        }

        @Override
        public Event deserialize(Event reuse, DataInputView in) throws IOException {
            return deserialize(in);
        }

        @Override
        public void copy(DataInputView in, DataOutputView out) throws IOException {
            serialize(deserialize(in), out);
        }

        @Override
        public TypeSerializerSnapshot<Event> snapshotConfiguration() {
            return new SerializerSnapshot();
        }
    }

    /** Snapshot for compatibility checks; the format has one version so far. */
    public static final class SerializerSnapshot extends SimpleTypeSerializerSnapshot<Event> {
        public SerializerSnapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
