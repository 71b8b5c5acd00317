package dev.cinch.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The metadata commands on the self-hosted default: SQLite at {@code <data-dir>/cinch.db}. */
class SqliteMetadataCommandsTest extends AbstractMetadataCommandsTest {
    @Override
    Map<String, String> databaseEnv() {
        return Map.of();
    }

    @Override
    String dialect() {
        return "sqlite";
    }

    @Test
    void theDatabaseLivesInTheDataDir() {
        assertThat(run("migrate").code()).isZero();
        assertThat(dir.resolve("data/cinch.db")).isRegularFile();
    }

    @Test
    void subcommandsHaveHelp() {
        Result help = run("token", "create", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--expires-in").contains("worker|admin|readonly");
        assertThat(run("cleanup", "--help").out()).contains("--dry-run").contains("migrated automatically");
    }

    @Test
    void appendAndRunFailWithoutStoringWhenTheMetadataIsUnreachable() {
        // Nothing listens on port 1; the password must not appear anywhere.
        Map<String, String> down = Map.of("DATABASE_URL", "postgres://cinch:hunter2secret@127.0.0.1:1/cinch",
                "CINCH_DATABASE_CONNECT_TIMEOUT", "1s");
        Result append = runAt(Clock.systemUTC(), "precious output\n", down, "append", "lost");
        assertThat(append.code()).isEqualTo(1);
        assertThat(append.err()).startsWith("cinchlog: ").contains("127.0.0.1:1").doesNotContain("hunter2secret");
        Result ran = runAt(Clock.systemUTC(), "", down, "run", "--job", "never", "--", "touch", dir.resolve("ran").toString());
        assertThat(ran.code()).isEqualTo(1);
        assertThat(ran.err()).contains("127.0.0.1:1").doesNotContain("hunter2secret");
        assertThat(dir.resolve("ran")).as("the command must not start").doesNotExist();
        assertThat(run("stat", "lost").code()).isEqualTo(1);
        assertThat(run("stat", "never").code()).isEqualTo(1);
        assertThat(Files.exists(dir.resolve("data/logs/lost"))).isFalse();
    }

    @Test
    void sealingAStoredLogNeedsNoDatabase() {
        assertThat(pipe("output\n", "append", "stored").code()).isZero();
        Map<String, String> down = Map.of("DATABASE_URL", "postgres://cinch@127.0.0.1:1/cinch", "CINCH_DATABASE_CONNECT_TIMEOUT", "1s");
        Result sealed = runAt(Clock.systemUTC(), "", down, "seal", "stored");
        assertThat(sealed.code()).as(sealed.err()).isZero();
        assertThat(run("stat", "stored").out()).contains("sealed:        true");
        // Without a log, seal must ask the database, and an unreachable one is a failure, not an empty log.
        Result unknown = runAt(Clock.systemUTC(), "", down, "seal", "not-stored");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("cinchlog: ").contains("127.0.0.1:1");
        assertThat(run("stat", "not-stored").code()).isEqualTo(1);
    }
}
