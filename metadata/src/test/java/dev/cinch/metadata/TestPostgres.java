package dev.cinch.metadata;

import dev.cinch.sql.PostgresUrl;
import dev.cinch.sql.Database;

import org.junit.jupiter.api.Assumptions;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The real Postgres server the tests run against: {@code CINCH_TEST_DATABASE_URL} (JDBC or postgres:// form), else
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}. Each {@link #freshSchema()} is a new schema
 * {@code cinch_test_<random>}, selected with {@code currentSchema} and dropped by {@link Schema#close()}.
 *
 * <p>When the server does not answer: with {@code CI} set the tests fail (a missing database must never pass as
 * a skip in CI); otherwise they are skipped with a message saying why.
 *
 * <p>Public because the CLI's Postgres tests reuse it through this module's test-jar.
 */
public final class TestPostgres {
    public static final String ENV = "CINCH_TEST_DATABASE_URL";
    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private TestPostgres() {
    }

    public static PostgresUrl url() {
        String raw = System.getenv(ENV);
        return PostgresUrl.parse(ENV, raw == null || raw.isBlank() ? DEFAULT_URL : raw);
    }

    /** Fails (CI) or skips (elsewhere) unless the server answers. */
    public static void requireReachable() {
        PostgresUrl url = url();
        try (Connection c = adminConnection(url)) {
            c.isValid(2);
        } catch (SQLException e) {
            String why = "Postgres at " + url.location() + " (from " + (System.getenv(ENV) == null ? "the default URL" : ENV)
                    + ") is not reachable: " + e.getMessage();
            if (System.getenv("CI") != null) {
                throw new AssertionError(why + " — CI is set, so this is a failure, not a skip", e);
            }
            Assumptions.abort(why + " — skipping the Postgres tests (set " + ENV + " or start Postgres)");
        }
    }

    static Connection adminConnection(PostgresUrl url) throws SQLException {
        Properties p = new Properties();
        if (!url.user().isEmpty()) {
            p.setProperty("user", url.user());
        }
        if (!url.password().isEmpty()) {
            p.setProperty("password", url.password());
        }
        p.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(url.jdbcUrl(), p);
    }

    /** A new empty schema; the returned URL selects it. */
    public static Schema freshSchema() {
        PostgresUrl base = url();
        String name = "cinch_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE)
                .toLowerCase(Locale.ROOT);
        try (Connection c = adminConnection(base); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            throw new AssertionError("cannot create test schema on " + base.location() + ": " + e.getMessage(), e);
        }
        Map<String, String> params = new LinkedHashMap<>(base.parameters());
        params.put("currentSchema", name);
        return new Schema(name, new PostgresUrl(base.host(), base.port(), base.database(), base.user(), base.password(), params));
    }

    public record Schema(String name, PostgresUrl url) implements AutoCloseable {
        public Database open(int poolSize) {
            return Database.postgres(url, poolSize, Duration.ofSeconds(5));
        }

        /** A {@code DATABASE_URL} value selecting this schema, credentials included, for code that takes config. */
        public String databaseUrl() {
            StringBuilder u = new StringBuilder(url.jdbcUrl());
            if (!url.user().isEmpty()) {
                u.append("&user=").append(URLEncoder.encode(url.user(), StandardCharsets.UTF_8));
            }
            if (!url.password().isEmpty()) {
                u.append("&password=").append(URLEncoder.encode(url.password(), StandardCharsets.UTF_8));
            }
            return u.toString();
        }

        @Override
        public void close() {
            try (Connection c = adminConnection(url); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            } catch (SQLException e) {
                throw new AssertionError("cannot drop test schema " + name + ": " + e.getMessage(), e);
            }
        }
    }
}
