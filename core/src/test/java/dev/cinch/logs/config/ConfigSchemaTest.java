package dev.cinch.logs.config;

import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreProvider;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfigTest.TestComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.cinch.logs.config.CinchConfigTest.SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every key is checked at load against what the components declare; core knows no section of its own. */
class ConfigSchemaTest {
    @TempDir
    Path dir;

    private static CinchConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        return CinchConfig.load(SCHEMA, file, env, overrides);
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void topLevelTypoFailsNamingTheKeyTheFileAndTheKnownKeys() throws Exception {
        Path file = write("cinch.yml", "data_dir: /var/lib/cinch\n");
        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("data_dir"))
                .hasMessageContaining("'data_dir'").hasMessageContaining("unknown key")
                .hasMessageContaining("from file " + file)
                .hasMessageContaining("Top-level keys: data-dir, log-store")
                .hasMessageContaining("sections: database, encryption, fs, s3, tokens")
                .hasMessageContaining("did you mean 'data-dir'?");
    }

    @Test
    void keyTheSectionsComponentDoesNotReadFailsListingTheSection() throws Exception {
        Path file = write("cinch.properties", "data-dir = /tmp/x\ndatabase.pool-sise = 4\n");
        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("database.pool-sise"))
                .hasMessageContaining("from file " + file)
                .hasMessageContaining("section 'database' has: database.pool-size, database.url")
                .hasMessageNotContaining("did you mean");

        Path yaml = write("cinch.yaml", "fs:\n  durabilty: none\n");
        assertThatThrownBy(() -> load(Optional.of(yaml), Map.of(), Map.of()))
                .hasMessageContaining("'fs.durabilty'").hasMessageContaining("fs.durability, fs.group-commit-interval");
    }

    @Test
    void sectionNoComponentOwnsFails() throws Exception {
        ConfigSchema withoutS3 = ConfigSchema.of(List.of(new TestComponent(Set.of("fs"), Set.of("fs.root"), Map.of())));
        Path file = write("cinch.yml", "s3:\n  bucket: logs\n");
        assertThatThrownBy(() -> CinchConfig.load(withoutS3, Optional.of(file), Map.of(), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("s3.bucket"))
                .hasMessageContaining("no module on the class path reads section 's3'")
                .hasMessageContaining("sections: fs");
        assertThat(CinchConfig.load(SCHEMA, Optional.of(file), Map.of(), Map.of()).get("s3.bucket")).contains("logs");
    }

    @Test
    void envOfADeclaredSectionMustNameAKnownKey() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of("CINCH_FS_DURABILTY", "none"), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("fs.durabilty"))
                .hasMessageContaining("from env CINCH_FS_DURABILTY").hasMessageContaining("section 'fs' has: ");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of("CINCH_DATABASE_POOL_SISE", "3"), Map.of()))
                .hasMessageContaining("database.pool-sise").hasMessageContaining("env CINCH_DATABASE_POOL_SISE");
        CinchConfig ok = load(Optional.empty(), Map.of("CINCH_DATABASE_POOL_SIZE", "3", "CINCH_FS_DURABILITY", "none"), Map.of());
        assertThat(ok.get("database.pool-size")).contains("3");
        assertThat(ok.get("fs.durability")).contains("none");
    }

    @Test
    void otherToolsVariablesAreIgnored() {
        Map<String, String> env = Map.of("CINCH_TEST_MODE", "1", "CINCH_TEST_DATABASE_URL", "jdbc:postgresql://h/test",
                "CINCH_CORPUS_DIR", "/corpus", "CINCH_BENCH_DIR", "/tmp", "CINCH_BENCH_STORES", "fs", "CINCH", "x",
                "CINCH_", "y", "PATH", "/bin", "HOME", "/root");
        assertThat(load(Optional.empty(), env, Map.of()).keys()).isEmpty();
    }

    @Test
    void commandLineKeysAreCheckedToo() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of("datadir", "/x")))
                .hasMessageContaining("'datadir'").hasMessageContaining("from command line");
        assertThat(load(Optional.empty(), Map.of(), Map.of("data-dir", "/x")).dataDir()).isEqualTo(Path.of("/x"));
    }

    @Test
    void emptyYamlSectionIsFineButAnEmptyUnknownKeyIsNot() throws Exception {
        Path commentedOut = write("a.yml", "fs:\n#  durability: none\nlog-store: fs\n");
        assertThat(load(Optional.of(commentedOut), Map.of(), Map.of()).keys()).containsExactly("log-store");
        Path empty = write("b.yml", "data_dir:\n");
        assertThatThrownBy(() -> load(Optional.of(empty), Map.of(), Map.of())).hasMessageContaining("'data_dir'");
        Path emptyValue = write("c.properties", "fs.durabilty =\n");
        assertThatThrownBy(() -> load(Optional.of(emptyValue), Map.of(), Map.of())).hasMessageContaining("'fs.durabilty'");
    }

    @Test
    void unknownSecretKeysNeverShowTheirValues() throws Exception {
        String secret = "hunter2-do-not-print";
        Path file = write("s.yml", "s3:\n  secret-acces-key: " + secret + "\n");
        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), Map.of()))
                .hasMessageContaining("s3.secret-acces-key").hasMessageNotContaining(secret);
        assertThatThrownBy(() -> load(Optional.empty(), Map.of("CINCH_S3_SECRET_ACCES_KEY", secret), Map.of()))
                .hasMessageContaining("s3.secret-acces-key").hasMessageNotContaining(secret);
        assertThatThrownBy(() -> CinchConfig.of(Map.of("encryption.kee", secret))
                .requireOnlyKnownKeys(new TestComponent(Set.of("encryption"), Set.of("encryption.key"), Map.of())))
                .hasMessageContaining("encryption.kee").hasMessageNotContaining(secret);
    }

    @Test
    void twoVariablesSettingOneKeyMustAgree() {
        String a = "postgres://u:pw-one@h/db";
        String b = "postgres://u:pw-two@h/db";
        assertThatThrownBy(() -> load(Optional.empty(), Map.of("DATABASE_URL", a, "CINCH_DATABASE_URL", b), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("database.url"))
                .hasMessageContaining("env CINCH_DATABASE_URL").hasMessageContaining("env DATABASE_URL")
                .hasMessageNotContaining("pw-one").hasMessageNotContaining("pw-two");
        assertThat(load(Optional.empty(), Map.of("DATABASE_URL", a, "CINCH_DATABASE_URL", a), Map.of()).get("database.url")).contains(a);
    }

    @Test
    void theFileComesFromCinchConfigWhenNoneIsGiven() throws Exception {
        Path named = write("named.yml", "data-dir: /from/env-file\n");
        Path given = write("given.yml", "data-dir: /from/given\n");
        CinchConfig fromEnv = load(Optional.empty(), Map.of("CINCH_CONFIG", named.toString()), Map.of());
        assertThat(fromEnv.dataDir()).isEqualTo(Path.of("/from/env-file"));
        assertThat(fromEnv.setting("data-dir").orElseThrow().source()).contains(named.toString()).contains("env CINCH_CONFIG");
        assertThat(load(Optional.of(given), Map.of("CINCH_CONFIG", named.toString()), Map.of()).dataDir())
                .isEqualTo(Path.of("/from/given"));
        Path bad = write("bad.yml", "fs:\n  rot: /x\n");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of("CINCH_CONFIG", bad.toString()), Map.of()))
                .hasMessageContaining("fs.rot").hasMessageContaining("env CINCH_CONFIG");
    }

    @Test
    void theLongestMatchingSectionTakesAnEnvironmentVariable() {
        ConfigSchema schema = ConfigSchema.of(List.of(
                new TestComponent(Set.of("archive"), Set.of("archive.tier-level"), Map.of()),
                new TestComponent(Set.of("archive-tier"), Set.of("archive-tier.level"), Map.of())));
        assertThat(schema.envKey("CINCH_ARCHIVE_TIER_LEVEL")).contains("archive-tier.level");
        assertThat(schema.envKey("CINCH_ARCHIVE_LEVEL")).contains("archive.level");
    }

    @Test
    void configurationsBuiltInCodeAreLenientUntilAComponentOpens() {
        CinchConfig lenient = CinchConfig.of(Map.of("data_dir", "/x", "fs.durabilty", "none", "s3.bucket", "b"));
        assertThat(lenient.keys()).hasSize(3);
        ConfigComponent fs = new TestComponent(Set.of("fs"), Set.of("fs.durability"), Map.of());
        assertThatThrownBy(() -> lenient.requireOnlyKnownKeys(fs))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("fs.durabilty"))
                .hasMessageContaining("from code").hasMessageContaining("section 'fs' has: fs.durability");
        ConfigComponent s3 = new TestComponent(Set.of("s3"), Set.of("s3.bucket"), Map.of());
        lenient.requireOnlyKnownKeys(s3); // its own keys are all known; other sections are not its business
    }

    @Test
    void logStoresRefuseUnknownKeysInTheChosenProvidersSections() {
        LogStores stores = LogStores.of(List.of(new ExampleStoreProvider()));
        CinchConfig typo = CinchConfig.of(Map.of("log-store", "example", "example.colour", "blue"));
        assertThatThrownBy(() -> stores.open(typo))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("example.colour"))
                .hasMessageContaining("section 'example' has: example.color");
        CinchConfig fine = CinchConfig.of(Map.of("log-store", "example", "example.color", "blue"));
        assertThatThrownBy(() -> stores.open(fine)).isInstanceOf(ExampleStoreProvider.Opened.class);
    }

    @Test
    void badDeclarationsAreRefusedWhenTheSchemaIsBuilt() {
        TestComponent fs = new TestComponent(Set.of("fs"), Set.of("fs.root"), Map.of());
        assertThatThrownBy(() -> ConfigSchema.of(List.of(fs, new TestComponent(Set.of("fs"), Set.of("fs.other"), Map.of()))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("two components own configuration section 'fs'");
        assertThatThrownBy(() -> ConfigSchema.of(List.of(new TestComponent(Set.of("fs"), Set.of("s3.bucket"), Map.of()))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'s3.bucket' outside its sections");
        assertThatThrownBy(() -> ConfigSchema.of(List.of(new TestComponent(Set.of("fs"), Set.of("fs"), Map.of()))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'fs' outside its sections");
        assertThatThrownBy(() -> ConfigSchema.of(List.of(new TestComponent(Set.of("Fs_1"), Set.of(), Map.of()))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("section 'Fs_1'");
        assertThatThrownBy(() -> ConfigSchema.of(List.of(new TestComponent(Set.of("fs"), Set.of("fs.root"), Map.of("FS_ROOT", "fs.rot")))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not one of its keys");
        assertThatThrownBy(() -> ConfigSchema.of(List.of(new TestComponent(Set.of("fs"), Set.of("fs.root"), Map.of("CINCH_DATA_DIR", "fs.root")))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CINCH_DATA_DIR").hasMessageContaining("core");
        assertThatThrownBy(() -> ConfigSchema.of(List.of(new TestComponent(Set.of("fs"), Set.of("fs.root"), Map.of("ROOT", "fs.root")),
                new TestComponent(Set.of("db"), Set.of("db.root"), Map.of("ROOT", "db.root")))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("env ROOT");
    }

    @Test
    void componentsAndStoreProvidersAreFoundAsServices() throws Exception {
        Path services = Files.createDirectories(dir.resolve("cp/META-INF/services"));
        // Also listed as a component: still one owner of its section, not two.
        Files.writeString(services.resolve(ConfigComponent.class.getName()),
                ExampleComponent.class.getName() + "\n" + ExampleStoreProvider.class.getName() + "\n");
        Files.writeString(services.resolve(LogStoreProvider.class.getName()), ExampleStoreProvider.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("cp").toUri().toURL()}, getClass().getClassLoader())) {
            ConfigSchema schema = ConfigSchema.fromClassPath(loader);
            assertThat(schema.sections()).containsExactly("example", "widgets");
            assertThat(schema.keys()).containsExactly("data-dir", "example.color", "log-store", "widgets.count");
            assertThat(schema.envNames()).containsEntry("WIDGETS", "widgets.count").containsEntry("CINCH_DATA_DIR", "data-dir");
            CinchConfig c = CinchConfig.load(schema, Optional.empty(), Map.of("WIDGETS", "3", "CINCH_EXAMPLE_COLOR", "red"), Map.of());
            assertThat(c.get("widgets.count")).contains("3");
            assertThat(c.get("example.color")).contains("red");
        }
    }

    /** A component found through a services file. */
    public static final class ExampleComponent implements ConfigComponent {
        @Override
        public Set<String> configSections() {
            return Set.of("widgets");
        }

        @Override
        public Set<String> configKeys() {
            return Set.of("widgets.count");
        }

        @Override
        public Map<String, String> configEnvNames() {
            return Map.of("WIDGETS", "widgets.count");
        }
    }

    /** A store provider whose section is its name; opening it only proves the keys were accepted. */
    public static final class ExampleStoreProvider implements LogStoreProvider {
        static final class Opened extends RuntimeException {
            Opened() {
                super("opened");
            }
        }

        @Override
        public String name() {
            return "example";
        }

        @Override
        public Set<String> configKeys() {
            return Set.of("example.color");
        }

        @Override
        public LogStore open(StoreContext context) {
            throw new Opened();
        }
    }
}
