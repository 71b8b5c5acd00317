package dev.cinch.logs.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CinchConfigTest {
    /** Components as a store and the metadata module declare them; core's own class path has none. */
    static final ConfigSchema SCHEMA = ConfigSchema.of(List.of(
            new TestComponent(Set.of("fs"), Set.of("fs.root", "fs.durability", "fs.group-commit-interval", "fs.chunk-level",
                    "fs.archive-frame-size"), Map.of()),
            new TestComponent(Set.of("database", "encryption", "tokens"), Set.of("database.url", "database.pool-size",
                    "encryption.key", "encryption.old-keys", "tokens.bcrypt-cost"),
                    Map.of("DATABASE_URL", "database.url", "CINCH_ENCRYPTION_KEY", "encryption.key")),
            new TestComponent(Set.of("s3"), Set.of("s3.bucket", "s3.secret-access-key"), Map.of())));

    record TestComponent(Set<String> configSections, Set<String> configKeys, Map<String, String> configEnvNames)
            implements ConfigComponent {
    }

    @TempDir
    Path dir;

    enum Mode { FSYNC, GROUP, NONE }

    @Test
    void defaultsWithoutAnySetting() {
        CinchConfig c = CinchConfig.load(SCHEMA, Optional.empty(), Map.of(), Map.of());
        assertThat(c.dataDir()).isEqualTo(Path.of("./cinch-data"));
        assertThat(c.logStore()).isEqualTo("fs");
    }

    @Test
    void yamlIsFlattenedAndEnvThenFlagsWin() throws Exception {
        Path file = dir.resolve("cinch.yaml");
        Files.writeString(file, "data-dir: /from/file\nlog-store: fs\nfs:\n  durability: none\n  group-commit-interval: 7ms\n");
        CinchConfig fileOnly = CinchConfig.load(SCHEMA, Optional.of(file), Map.of(), Map.of());
        assertThat(fileOnly.dataDir()).isEqualTo(Path.of("/from/file"));
        assertThat(fileOnly.getEnum("fs.durability", Mode.class, Mode.GROUP)).isEqualTo(Mode.NONE);
        assertThat(fileOnly.getDuration("fs.group-commit-interval", Duration.ZERO, Duration.ZERO, Duration.ofDays(1))).isEqualTo(Duration.ofMillis(7));

        CinchConfig withEnv = CinchConfig.load(SCHEMA, Optional.of(file),
                Map.of("CINCH_DATA_DIR", "/from/env", "CINCH_FS_DURABILITY", "fsync", "PATH", "/bin", "CINCH_CORPUS_DIR", "/x"), Map.of());
        assertThat(withEnv.dataDir()).isEqualTo(Path.of("/from/env"));
        assertThat(withEnv.getEnum("fs.durability", Mode.class, Mode.GROUP)).isEqualTo(Mode.FSYNC);
        assertThat(withEnv.keys()).containsExactlyInAnyOrder("data-dir", "log-store", "fs.durability", "fs.group-commit-interval");

        CinchConfig withFlags = CinchConfig.load(SCHEMA, Optional.of(file), Map.of("CINCH_DATA_DIR", "/from/env"), Map.of("data-dir", "/from/flag"));
        assertThat(withFlags.dataDir()).isEqualTo(Path.of("/from/flag"));
    }

    @Test
    void propertiesFilesWorkToo() throws Exception {
        Path file = dir.resolve("cinch.properties");
        Files.writeString(file, "log-store = fs\nfs.archive-frame-size = 256KiB\n");
        CinchConfig c = CinchConfig.load(SCHEMA, Optional.of(file), Map.of(), Map.of());
        assertThat(c.getBytes("fs.archive-frame-size", 0, 0, Long.MAX_VALUE)).isEqualTo(256 * 1024);
    }

    @Test
    void envNamesMapToKeys() {
        assertThat(SCHEMA.envKey("CINCH_FS_GROUP_COMMIT_INTERVAL")).contains("fs.group-commit-interval");
        assertThat(SCHEMA.envKey("CINCH_DATA_DIR")).contains("data-dir");
        assertThat(SCHEMA.envKey("DATABASE_URL")).contains("database.url");
        assertThat(SCHEMA.envKey("CINCH_ENCRYPTION_KEY")).contains("encryption.key");
        assertThat(SCHEMA.envKey("CINCH_TOKENS_BCRYPT_COST")).contains("tokens.bcrypt-cost");
        assertThat(SCHEMA.envKey("CINCH_FS_DURABILTY")).as("a declared section's typo is a key, refused later").contains("fs.durabilty");
        assertThat(SCHEMA.envKey("CINCH_NOPE_X")).isEmpty();
        assertThat(SCHEMA.envKey("CINCH_FS_")).isEmpty();
        assertThat(SCHEMA.envKey("CINCH_CONFIG")).isEmpty();
        assertThat(SCHEMA.envKey("HOME")).isEmpty();
        assertThat(ConfigSchema.of(List.of()).envKey("CINCH_FS_ROOT")).as("no component owns fs").isEmpty();
    }

    @Test
    void badValuesNameTheKeyAndTheSource() {
        CinchConfig c = CinchConfig.load(SCHEMA, Optional.empty(), Map.of("CINCH_FS_DURABILITY", "sometimes", "CINCH_FS_CHUNK_LEVEL", "x",
                "CINCH_FS_ARCHIVE_FRAME_SIZE", "lots", "CINCH_FS_GROUP_COMMIT_INTERVAL", "1 fortnight"), Map.of());
        assertThatThrownBy(() -> c.getEnum("fs.durability", Mode.class, Mode.GROUP))
                .isInstanceOf(ConfigException.class).hasMessageContaining("fs.durability").hasMessageContaining("env CINCH_FS_DURABILITY")
                .hasMessageContaining("fsync, group, none").hasMessageContaining("sometimes");
        assertThatThrownBy(() -> c.getInt("fs.chunk-level", 3, 1, 19)).isInstanceOf(ConfigException.class).hasMessageContaining("fs.chunk-level");
        assertThatThrownBy(() -> c.getBytes("fs.archive-frame-size", 1, 1, 10)).isInstanceOf(ConfigException.class).hasMessageContaining("256KiB");
        assertThatThrownBy(() -> c.getDuration("fs.group-commit-interval", Duration.ZERO, Duration.ZERO, Duration.ofDays(1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("fs.group-commit-interval");
        CinchConfig tooBig = CinchConfig.of(Map.of("fs.chunk-level", "25"));
        assertThatThrownBy(() -> tooBig.getInt("fs.chunk-level", 3, 1, 19)).hasMessageContaining("between 1 and 19");
        assertThatThrownBy(() -> CinchConfig.of(Map.of("fs.oops", "1"))
                .requireOnlyKnownKeys(new TestComponent(Set.of("fs"), Set.of("fs.root"), Map.of())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("fs.oops").hasMessageContaining("unknown key");
    }

    @Test
    void malformedFilesFailNamingTheFile() throws Exception {
        Path yaml = dir.resolve("bad.yml");
        Files.writeString(yaml, "fs: [1, 2\n");
        assertThatThrownBy(() -> CinchConfig.load(SCHEMA, Optional.of(yaml), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bad.yml");
        assertThatThrownBy(() -> CinchConfig.load(SCHEMA, Optional.of(dir.resolve("missing.yml")), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.yml");
    }

    @Test
    void secretsNeverShow() {
        String password = "hunter2-very-secret";
        CinchConfig c = CinchConfig.load(SCHEMA, Optional.empty(), Map.of("DATABASE_URL", "postgres://u:" + password + "@db/x",
                "CINCH_ENCRYPTION_KEY", password, "CINCH_S3_SECRET_ACCESS_KEY", password), Map.of());
        assertThat(c.toString()).doesNotContain(password).contains("database.url=****");
        assertThatThrownBy(() -> c.getInt("encryption.key", 0, 0, 1)).isInstanceOf(ConfigException.class)
                .hasMessageNotContaining(password).hasMessageContaining("value hidden");
        assertThatThrownBy(() -> c.getBoolean("s3.secret-access-key", false)).hasMessageNotContaining(password);
        assertThat(c.setting("database.url").orElseThrow().toString()).doesNotContain(password);
    }

    @Test
    void durationsParse() {
        assertThat(CinchConfig.parseDuration("30d")).contains(Duration.ofDays(30));
        assertThat(CinchConfig.parseDuration("5ms")).contains(Duration.ofMillis(5));
        assertThat(CinchConfig.parseDuration("12h")).contains(Duration.ofHours(12));
        assertThat(CinchConfig.parseDuration("-1d")).isEmpty();
        assertThat(CinchConfig.parseDuration("99999999999999999999d")).isEmpty();
        assertThat(CinchConfig.parseDuration(null)).isEmpty();
    }
}
