package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldMappingTest {

    private static String apply(FieldMapping mapping, String json) throws FieldMapping.NotMappable {
        return new String(mapping.apply(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void withoutRenamesOrFixesTheBytesAreTheSame() throws Exception {
        byte[] anything = {(byte) 0xff, 0, '{'};
        assertThat(FieldMapping.NONE.apply(anything)).isSameAs(anything);
        assertThat(FieldMapping.NONE.describe()).isNull();
        assertThat(FieldMapping.NONE).hasToString("byte for byte");
    }

    @Test
    void renamesKeepTheFieldsPlaceThenFixesConvertValuesDigitForDigit() throws Exception {
        FieldMapping mapping = FieldMapping.parse(
                List.of("id=event_id", "ts=event_time"), List.of("value=number", "event_time=epoch-seconds"));
        assertThat(apply(
                        mapping,
                        "{\"id\":\"a\",\"series_key\":\"s\",\"ts\":1714521600.25,\"value\":\" 12.50 \","
                                + "\"attributes\":{\"big\":1.000000000000000000001}}"))
                .isEqualTo("{\"event_id\":\"a\",\"series_key\":\"s\",\"event_time\":1714521600250,\"value\":12.50,"
                        + "\"attributes\":{\"big\":1.000000000000000000001}}");
        assertThat(mapping.describe())
                .isEqualTo("rename id=event_id; rename ts=event_time; fix value=number; fix event_time=epoch-seconds");
        assertThat(apply(FieldMapping.parse(List.of(), List.of("event_id=string")), "{\"event_id\":42}"))
                .isEqualTo("{\"event_id\":\"42\"}");
    }

    @Test
    void aRecordTheMappingDoesNotFitIsRefusedWithTheReason() {
        FieldMapping rename = FieldMapping.parse(List.of("id=event_id"), List.of());
        FieldMapping number = FieldMapping.parse(List.of(), List.of("value=number"));
        FieldMapping seconds = FieldMapping.parse(List.of(), List.of("event_time=epoch-seconds"));
        assertThatThrownBy(() -> apply(rename, "{\"event_id\":\"a\"}")).hasMessage("has no field id to rename");
        assertThatThrownBy(() -> apply(rename, "{\"id\":\"a\",\"event_id\":\"b\"}"))
                .hasMessage("has both id and event_id; not renamed");
        assertThatThrownBy(() -> apply(number, "{\"value\":\"twelve\"}"))
                .hasMessage("value: \"twelve\" is not a number");
        assertThatThrownBy(() -> apply(number, "[1]")).hasMessage("not a JSON object, which a field mapping needs");
        assertThatThrownBy(() -> apply(number, "{\"value\":1"))
                .hasMessageStartingWith("not JSON, which a field mapping");
        assertThatThrownBy(() -> apply(number, "{}")).hasMessage("has no field value to fix");
        assertThatThrownBy(() -> apply(seconds, "{\"event_time\":1.0001}"))
                .hasMessage("event_time: 1.0001 seconds is not a whole number of milliseconds");
    }

    @Test
    void badFlagsSayTheirForm() {
        assertThatThrownBy(() -> FieldMapping.parse(List.of("id"), List.of()))
                .isInstanceOf(LauncherException.class)
                .hasMessage("--rename 'id' is not valid; expected FROM=TO, such as id=event_id");
        assertThatThrownBy(() -> FieldMapping.parse(List.of(), List.of("value=hex")))
                .hasMessage("--fix 'value=hex' is not valid; expected FIELD=CONVERSION with CONVERSION one of number,"
                        + " string, epoch-seconds, such as value=number");
    }
}
