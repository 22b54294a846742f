package io.streamwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresExtensionITCase {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @Test
    void startsPostgres17AndGivesEachTestItsOwnDatabase() {
        TestDatabase first = POSTGRES.createDatabase("smoke");
        TestDatabase second = POSTGRES.createDatabase("smoke");

        first.execute("CREATE TABLE t (id int PRIMARY KEY, at timestamptz, doc jsonb, raw bytea)");
        first.execute("INSERT INTO t VALUES (1, '2024-01-02T03:04:05Z', '{\"a\": 1}', '\\x00ff')");

        Map<String, Object> row = first.query("SELECT * FROM t").get(0);
        assertThat(row)
                .containsEntry("id", 1)
                .containsEntry("at", Instant.parse("2024-01-02T03:04:05Z"))
                .containsEntry("doc", "{\"a\": 1}");
        assertThat((byte[]) row.get("raw")).containsExactly(0, 0xff);
        assertThat(first.query("SHOW server_version")
                        .get(0)
                        .get("server_version")
                        .toString())
                .startsWith("17.");
        assertThat(second.query("SELECT count(*) AS n FROM pg_tables WHERE tablename = 't'"))
                .isEqualTo(List.of(Map.of("n", 0L)));
    }
}
