package io.streamwatch.alert;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/** Serializes {@code List<AlertEvent>} fields with Flink's ListSerializer and the POJO serializer, not Kryo. */
public class AlertEventListTypeInfoFactory extends TypeInfoFactory<List<AlertEvent>> {
    @Override
    public TypeInformation<List<AlertEvent>> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return Types.LIST(Types.POJO(AlertEvent.class));
    }
}
