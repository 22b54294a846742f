package io.streamwatch.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class EventTypeInfoTest {
    private final TypeSerializer<Event> serializer =
            TypeInformation.of(Event.class).createSerializer(new SerializerConfigImpl());

    @Test
    void flinkUsesTheExplicitSerializer() {
        assertThat(TypeInformation.of(Event.class)).isInstanceOf(EventTypeInfo.class);
        assertThat(TypeInformation.of(Ingested.class).toString()).doesNotContain("GenericType");
    }

    /** Every field set to a value unlike its default: a field the serializer forgets comes back different. */
    @Test
    void everyFieldOfEventSurvivesARoundTripAndACopy() throws Exception {
        Event e = new Event();
        List<String> fields = new ArrayList<>();
        for (Field f : Event.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) continue;
            fields.add(f.getName());
            f.set(e, unusual(f));
        }

        Event back = roundTrip(e);
        Event copy = serializer.copy(e);
        for (Field f : Event.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) continue;
            assertThat(f.get(back)).as(f.getName()).isEqualTo(f.get(e));
            assertThat(f.get(copy)).as(f.getName()).isEqualTo(f.get(e));
        }
        assertThat(fields).hasSize(12);
        assertThat(copy.attributes).isNotSameAs(e.attributes);
    }

    @Test
    void nullsAndAnyTextRoundTrip() throws Exception {
        Event e = new Event(null, "s\u0000\uD800x\u00e9\u4e2d\uD83D\uDE00", Long.MIN_VALUE, -0.0);
        e.attributes = null;
        Event back = roundTrip(e);
        assertThat(back.eventId).isNull();
        assertThat(back.seriesKey).isEqualTo(e.seriesKey);
        assertThat(back.attributes).isNull();
        assertThat(back.source).isNull();
        assertThat(Double.doubleToRawLongBits(back.value)).isEqualTo(Double.doubleToRawLongBits(-0.0));

        Event empty = new Event("a", "b", 1, 2);
        assertThat(roundTrip(empty).attributes).isEmpty();
    }

    @Test
    void copiesTheSerializedFormStraight() throws Exception {
        Event e = new Event("id", "series", 5, 1.5);
        e.attributes = Map.of("k", "v");
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(e, out);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
    }

    private Event roundTrip(Event e) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(e, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static Object unusual(Field f) {
        Class<?> t = f.getType();
        if (t == String.class) return "x-" + f.getName() + "-\u00e9";
        if (t == long.class) return 1_000_000_000_000L + f.getName().length();
        if (t == int.class) return 70_000 + f.getName().length();
        if (t == double.class) return 3.25 + f.getName().length();
        if (t == Map.class) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("dc", "eu-1");
            m.put("rack", "r\u00e9");
            return m;
        }
        throw new AssertionError("a field of a type this test does not know: " + f + "; teach it, and the serializer");
    }
}
