package dev.cinch.sql;

import dev.cinch.logs.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresUrlTest {

    @Test
    void acceptsTheLibpqFormWithCredentialsAndParameters() {
        PostgresUrl u = PostgresUrl.parse("database.url", "postgres://cinch:p%40ss:w0rd@db.example.com:6543/cinch?sslmode=require");
        assertThat(u.host()).isEqualTo("db.example.com");
        assertThat(u.port()).isEqualTo(6543);
        assertThat(u.database()).isEqualTo("cinch");
        assertThat(u.user()).isEqualTo("cinch");
        assertThat(u.password()).isEqualTo("p@ss:w0rd");
        assertThat(u.parameters()).isEqualTo(Map.of("sslmode", "require"));
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/cinch?sslmode=require")
                .doesNotContain("w0rd");
        assertThat(u.toString()).doesNotContain("w0rd").contains("****");
    }

    @Test
    void acceptsPostgresqlSchemeAndDefaults() {
        PostgresUrl u = PostgresUrl.parse("k", "postgresql://localhost");
        assertThat(List.of(u.host(), u.port(), u.database(), u.user(), u.password()))
                .containsExactly("localhost", 5432, "postgres", "", "");
        assertThat(u.toString()).contains("(none)");
    }

    @Test
    void acceptsTheJdbcFormWithCredentialsInTheQuery() {
        PostgresUrl u = PostgresUrl.parse("k", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=sekrit&ApplicationName=cinch");
        assertThat(u.user()).isEqualTo("postgres");
        assertThat(u.password()).isEqualTo("sekrit");
        assertThat(u.parameters()).containsOnlyKeys("ApplicationName");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?ApplicationName=cinch");
    }

    @Test
    void acceptsIpv6Hosts() {
        PostgresUrl u = PostgresUrl.parse("k", "postgres://u@[::1]:5433/db");
        assertThat(u.host()).isEqualTo("[::1]");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/db");
    }

    @Test
    void badUrlsNameTheKeyButNeverRepeatTheValue() {
        for (String bad : List.of("mysql://u:hunter2@h/db", "postgres://u:hunter2@/db", "postgres://u:hunter2@h:99999999999/db",
                "postgres://u:hunter2@h/db/extra", "postgres://u:hunter2@h b/db", "  ", "hunter2")) {
            assertThatThrownBy(() -> PostgresUrl.parse("database.url", bad)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("database.url").hasMessageNotContaining("hunter2");
        }
    }
}
