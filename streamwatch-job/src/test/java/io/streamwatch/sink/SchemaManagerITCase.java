package io.streamwatch.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.testkit.PostgresExtension;
import io.streamwatch.testkit.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SchemaManagerITCase {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private TestDatabase db;
    private JdbcSettings settings;

    @BeforeEach
    void freshDatabase() {
        db = POSTGRES.createDatabase("schema");
        settings = SinkFixtures.settings(db);
    }

    @Test
    void migratesAFreshDatabaseThatThenPassesVerification() {
        assertThat(SchemaManager.migrate(settings)).isPositive();

        SchemaManager.verify(settings);
        assertThat(db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                        + " AND tablename <> 'flyway_schema_history' ORDER BY tablename"))
                .extracting(row -> row.get("tablename"))
                .containsExactly(
                        "alert_deliveries",
                        "anomalies",
                        "dead_letters",
                        "ingest_ledger",
                        "late_events",
                        "window_aggregates");
    }

    @Test
    void migratingAgainChangesNothing() {
        SchemaManager.migrate(settings);

        assertThat(SchemaManager.migrate(settings)).isZero();
        SchemaManager.verify(settings);
    }

    @Test
    void verificationOfAnEmptyDatabaseListsEveryTableAndSaysHowToFixIt() {
        assertThatThrownBy(() -> SchemaManager.verify(settings))
                .isInstanceOf(SchemaException.class)
                .hasMessage("The database at " + db.url() + " (schema public) is not ready for the"
                        + " Streamwatch sinks:\n"
                        + "  - table window_aggregates is missing\n"
                        + "  - table anomalies is missing\n"
                        + "  - table dead_letters is missing\n"
                        + "  - table late_events is missing\n"
                        + "  - table ingest_ledger is missing\n"
                        + "Run the job with sink.jdbc.migrate=true, or apply the Flyway migrations in"
                        + " src/main/resources/db/migration (db/migration in the job jar).");
    }

    @Test
    void verificationNamesExactlyWhatIsMissing() {
        SchemaManager.migrate(settings);
        db.execute("ALTER TABLE anomalies DROP CONSTRAINT anomalies_pkey;"
                + "ALTER TABLE late_events DROP COLUMN unit, DROP COLUMN watermark;"
                + "DROP TABLE dead_letters");

        assertThatThrownBy(() -> SchemaManager.verify(settings))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining(":\n"
                        + "  - table anomalies lacks a unique constraint on"
                        + " (series_key, detector, opened_window_start)\n"
                        + "  - table dead_letters is missing\n"
                        + "  - table late_events lacks columns unit, watermark\n"
                        + "Run the job with sink.jdbc.migrate=true");
    }

    @Test
    void acceptsAUniqueIndexInPlaceOfTheConstraintButNotAPartialOrDeferrableOne() {
        SchemaManager.migrate(settings);
        db.execute("ALTER TABLE window_aggregates DROP CONSTRAINT window_aggregates_pkey;"
                + "CREATE UNIQUE INDEX wa_key ON window_aggregates (window_end, series_key, window_start)");
        SchemaManager.verify(settings);

        db.execute("DROP INDEX wa_key; CREATE UNIQUE INDEX wa_key ON window_aggregates"
                + " (series_key, window_start, window_end) WHERE revision > 1;"
                + "ALTER TABLE dead_letters DROP CONSTRAINT dead_letters_pkey,"
                + " ADD CONSTRAINT dl_key UNIQUE (topic, partition, kafka_offset) DEFERRABLE");
        assertThatThrownBy(() -> SchemaManager.verify(settings))
                .hasMessageContaining("table window_aggregates lacks a unique constraint")
                .hasMessageContaining("table dead_letters lacks a unique constraint");
    }

    @Test
    void anUnreachableDatabaseGivesOneClearLineWithoutThePassword() {
        JdbcSettings nowhere =
                JdbcSettings.of("jdbc:postgresql://localhost:1/streamwatch?password=hunter2", "writer", "s3cret");

        for (Runnable call :
                new Runnable[] {() -> SchemaManager.verify(nowhere), () -> SchemaManager.migrate(nowhere)}) {
            assertThatThrownBy(call::run)
                    .isInstanceOf(SchemaException.class)
                    .hasMessageStartingWith("Cannot use the database at"
                            + " jdbc:postgresql://localhost:1/streamwatch?password=*** as user writer: ")
                    .hasMessageContaining("refused")
                    .hasMessageNotContaining("hunter2")
                    .hasMessageNotContaining("s3cret");
        }
    }
}
