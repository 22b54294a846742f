package io.streamwatch.model;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;

/** The JSON of a model object, for dead letters of items whose original bytes are no longer at hand. */
final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private Json() {}

    static byte[] bytes(Object item) {
        try {
            return MAPPER.writeValueAsBytes(item);
        } catch (Exception e) {
            // the dead letter must still be written: fall back to what the item says of itself
            return String.valueOf(item).getBytes(StandardCharsets.UTF_8);
        }
    }
}
