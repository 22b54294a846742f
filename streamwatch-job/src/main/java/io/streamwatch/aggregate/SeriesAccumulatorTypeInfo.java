package io.streamwatch.aggregate;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import io.streamwatch.model.ExplicitTypeInfo;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink type information for {@link SeriesAccumulator}: an explicit binary format (the sketch in
 * DDSketch's own encoding) instead of a Kryo fallback, so window state is compact and evolvable.
 */
public final class SeriesAccumulatorTypeInfo extends ExplicitTypeInfo<SeriesAccumulator> {
    private static final long serialVersionUID = 1L;

    public SeriesAccumulatorTypeInfo() {
        super(SeriesAccumulator.class, Serializer.INSTANCE);
    }

    public static final class Factory extends TypeInfoFactory<SeriesAccumulator> {
        @Override
        public TypeInformation<SeriesAccumulator> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new SeriesAccumulatorTypeInfo();
        }
    }

    public static final class Serializer extends TypeSerializerSingleton<SeriesAccumulator> {
        private static final long serialVersionUID = 1L;
        static final Serializer INSTANCE = new Serializer();

        @Override
        public boolean isImmutableType() {
            return false;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public SeriesAccumulator createInstance() {
            return SeriesAccumulator.empty(0.01);
        }

        @Override
        public SeriesAccumulator copy(SeriesAccumulator from) {
            SeriesAccumulator to = new SeriesAccumulator(from.sketch.copy());
            to.count = from.count;
            to.sum = from.sum;
            to.min = from.min;
            to.max = from.max;
            to.mean = from.mean;
            to.m2 = from.m2;
            to.firstEventTime = from.firstEventTime;
            to.lastEventTime = from.lastEventTime;
            return to;
        }

        @Override
        public SeriesAccumulator copy(SeriesAccumulator from, SeriesAccumulator reuse) {
            return copy(from);
        }

        @Override
        public void serialize(SeriesAccumulator a, DataOutputView out) throws IOException {
            out.writeLong(a.count);
            out.writeDouble(a.sum);
            out.writeDouble(a.min);
            out.writeDouble(a.max);
            out.writeDouble(a.mean);
            out.writeDouble(a.m2);
            out.writeLong(a.firstEventTime);
            out.writeLong(a.lastEventTime);
            // DDSketch's own compact encoding (serialize() is its protobuf form, which decode() does not read)
            GrowingByteArrayOutput sketch = GrowingByteArrayOutput.withInitialCapacity(64);
            a.sketch.encode(sketch, false);
            out.writeInt(sketch.numWrittenBytes());
            out.write(sketch.backingArray(), 0, sketch.numWrittenBytes());
        }

        @Override
        public SeriesAccumulator deserialize(DataInputView in) throws IOException {
            long count = in.readLong();
            double sum = in.readDouble();
            double min = in.readDouble();
            double max = in.readDouble();
            double mean = in.readDouble();
            double m2 = in.readDouble();
            long first = in.readLong();
            long last = in.readLong();
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            DDSketch sketch = DDSketch.decode(
                    ByteArrayInput.wrap(bytes),
                    () -> new CollapsingLowestDenseStore(SeriesAccumulator.MAX_SKETCH_BINS));
            SeriesAccumulator a = new SeriesAccumulator(sketch);
            a.count = count;
            a.sum = sum;
            a.min = min;
            a.max = max;
            a.mean = mean;
            a.m2 = m2;
            a.firstEventTime = first;
            a.lastEventTime = last;
            return a;
        }

        @Override
        public SeriesAccumulator deserialize(SeriesAccumulator reuse, DataInputView in) throws IOException {
            return deserialize(in);
        }

        @Override
        public void copy(DataInputView in, DataOutputView out) throws IOException {
            out.write(in, 8 * 8);
            int length = in.readInt();
            out.writeInt(length);
            out.write(in, length);
        }

        @Override
        public TypeSerializerSnapshot<SeriesAccumulator> snapshotConfiguration() {
            return new SerializerSnapshot();
        }
    }

    /** Snapshot for savepoint compatibility; the format has one version so far. */
    public static final class SerializerSnapshot extends SimpleTypeSerializerSnapshot<SeriesAccumulator> {
        public SerializerSnapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
