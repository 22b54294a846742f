package io.streamwatch.sink;

import static io.streamwatch.sink.SinkFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.model.WindowAggregate;
import io.streamwatch.sink.SinkStatements.SinkStatement;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** The statements and binders without a database: what is bound where. */
class SinkStatementsTest {

    @Test
    void everyBinderBindsEachPlaceholderExactlyOnce() {
        assertBindsAll(SinkStatements.WINDOW_AGGREGATES, SinkFixtures.aggregate("s", T0, 1));
        assertBindsAll(SinkStatements.ANOMALIES, SinkFixtures.opened("s", T0));
        assertBindsAll(SinkStatements.ANOMALIES, SinkFixtures.resolved("s", T0));
        assertBindsAll(SinkStatements.DEAD_LETTERS, SinkFixtures.deadLetter("t", 0, 1, new byte[] {1}));
        assertBindsAll(SinkStatements.LATE_EVENTS, SinkFixtures.lateEvent("t", 0, 1));
    }

    @Test
    void upsertsNeverAssignKeyColumns() {
        for (SinkStatement<?> statement : SinkStatements.ALL) {
            String sql = statement.sql();
            String action = sql.substring(sql.indexOf("ON CONFLICT"));
            for (String key : statement.table().key()) {
                assertThat(action).as(statement.table().name()).doesNotContainPattern("\\b" + key + " =");
            }
        }
    }

    @Test
    void theJobNeverWritesTheColumnsThatMarkADeadLetterReplayed() {
        assertThat(SinkStatements.DEAD_LETTERS.sql()).doesNotContain("replay").endsWith("DO NOTHING");
    }

    @Test
    void bindsTimesAtUtcAndNonFiniteDoublesAsTheyAre() {
        WindowAggregate a = SinkFixtures.aggregate("s", T0, 1);
        a.stddev = Double.NaN;
        a.max = Double.POSITIVE_INFINITY;
        a.min = Double.NEGATIVE_INFINITY;

        List<Object> bound = bind(SinkStatements.WINDOW_AGGREGATES, a);

        assertThat(bound.get(1)).isEqualTo(OffsetDateTime.of(2024, 3, 1, 12, 0, 0, 0, ZoneOffset.UTC));
        assertThat(bound.subList(5, 8)).containsExactly(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 4.25);
        assertThat((Double) bound.get(8)).isNaN();
    }

    @Test
    void anOpenedEventBindsOnlyOpeningColumnsAndAResolvedOnlyResolvedOnes() {
        List<Object> opened = bind(SinkStatements.ANOMALIES, SinkFixtures.opened("s", T0));
        List<Object> resolved = bind(SinkStatements.ANOMALIES, SinkFixtures.resolved("s", T0));

        assertThat(opened.subList(3, 5)).containsExactly("OPEN", 1);
        assertThat(opened.subList(5, 12)).doesNotContainNull();
        assertThat(opened.subList(12, 15)).containsOnlyNulls();
        assertThat(resolved.subList(3, 5)).containsExactly("RESOLVED", 2);
        assertThat(resolved.subList(5, 12)).containsOnlyNulls();
        assertThat(resolved.subList(12, 15))
                .containsExactly(
                        OffsetDateTime.of(2024, 3, 1, 12, 3, 0, 0, ZoneOffset.UTC),
                        OffsetDateTime.of(2024, 3, 1, 12, 4, 0, 0, ZoneOffset.UTC),
                        0.1);
    }

    @Test
    void refusesTextPostgresCannotStoreUnchangedAsAContentError() {
        for (String key : List.of("a\u0000b", "lone \uD800 surrogate", "\uDC00")) {
            assertThatThrownBy(() -> bind(SinkStatements.ANOMALIES, SinkFixtures.opened(key, T0)))
                    .as(key)
                    .hasCauseInstanceOf(SQLException.class)
                    .cause()
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22021"));
        }
        assertThat(bind(SinkStatements.ANOMALIES, SinkFixtures.opened("tab\tand \uD83D\uDE00", T0))
                        .get(0))
                .isEqualTo("tab\tand \uD83D\uDE00");
    }

    @Test
    void sinksSurviveJavaSerializationToTheTaskManagers() throws Exception {
        JdbcSettings settings = JdbcSettings.of("jdbc:postgresql://db/sw", "u", "p");

        for (Object sink : List.of(
                StreamwatchSinks.windowAggregates(settings),
                StreamwatchSinks.anomalies(settings),
                StreamwatchSinks.deadLetters(settings),
                StreamwatchSinks.lateEvents(settings),
                StreamwatchSinks.ingestLedger(settings))) {
            assertThat(InstantiationUtil.clone((java.io.Serializable) sink)).isNotNull();
        }
    }

    private static <T> void assertBindsAll(SinkStatement<T> statement, T element) {
        long placeholders = statement.sql().chars().filter(c -> c == '?').count();
        assertThat(bind(statement, element))
                .as(statement.table().name())
                .hasSize((int) placeholders)
                .hasSize(statement.table().key().size()
                        + statement.table().values().size());
    }

    /** The values bound, by parameter index; setNull as null. Fails on an index bound twice. */
    private static <T> List<Object> bind(SinkStatement<T> statement, T element) {
        Map<Integer, Object> bound = new TreeMap<>();
        PreparedStatement recorder = (PreparedStatement) Proxy.newProxyInstance(
                PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class},
                (proxy, method, args) -> {
                    assertThat(method.getName()).startsWith("set");
                    int index = (Integer) args[0];
                    assertThat(bound).as("parameter %d bound twice", index).doesNotContainKey(index);
                    bound.put(index, method.getName().equals("setNull") ? null : args[1]);
                    return null;
                });
        try {
            JdbcStatementBuilder<T> binder = statement.binder();
            binder.accept(recorder, element);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(bound.keySet())
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, bound.size()).boxed().toList());
        return new ArrayList<>(bound.values());
    }
}
