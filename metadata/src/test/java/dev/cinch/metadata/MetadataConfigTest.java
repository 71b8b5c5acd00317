package dev.cinch.metadata;

import dev.cinch.sql.Database;

import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.ConfigException;
import dev.cinch.logs.config.ConfigSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The metadata module's keys are declared once, found on the class path, and typos in them fail before opening. */
class MetadataConfigTest {
    @TempDir
    Path dir;

    @Test
    void theClassPathSchemaHasTheMetadataSectionsAndEnvNames() {
        ConfigSchema schema = ConfigSchema.fromClassPath();
        assertThat(schema.sections()).containsAll(MetadataConfig.SECTIONS);
        assertThat(schema.keys()).containsAll(MetadataConfig.KEYS);
        assertThat(schema.envKey("DATABASE_URL")).contains(Database.URL_KEY);
        assertThat(schema.envKey("CINCH_ENCRYPTION_OLD_KEYS")).contains(EncryptionKeys.OLD_KEYS);
        assertThat(schema.envKey("CINCH_TEST_DATABASE_URL")).as("the tests' own variable is not a setting").isEmpty();
    }

    @Test
    void keysSetByTheEnvironmentRuleReachTheDatabase() throws Exception {
        Map<String, String> env = Map.of("CINCH_DATA_DIR", dir.toString(), "CINCH_DATABASE_BUSY_TIMEOUT", "3s",
                "CINCH_DATABASE_POOL_SIZE", "2", "CINCH_DATABASE_CONNECT_TIMEOUT", "1s", "CINCH_TOKENS_BCRYPT_COST", "4",
                "CINCH_ENCRYPTION_KEY", AbstractMetadataStoreTest.newKey());
        try (Metadata md = Metadata.open(CinchConfig.load(Optional.empty(), env, Map.of()));
             Connection c = ((JdbcMetadataStore) md.store()).database().connection();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA busy_timeout")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("3000");
        }
    }

    @Test
    void typosFailAtLoadAndAtOpen() {
        assertThatThrownBy(() -> CinchConfig.load(Optional.empty(), Map.of("CINCH_DATA_DIR", dir.toString(),
                "CINCH_DATABASE_POOL_SISE", "4"), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("database.pool-sise"))
                .hasMessageContaining("env CINCH_DATABASE_POOL_SISE").hasMessageContaining(Database.POOL_SIZE_KEY);

        // Built in code, the configuration is not checked until the metadata opens it, and then before any file exists.
        Path dataDir = dir.resolve("never-created");
        for (String typo : new String[] {"database.pool-sise", "tokens.bcrypt_cost", "encryption.kee"}) {
            assertThatThrownBy(() -> Metadata.open(CinchConfig.of(Map.of("data-dir", dataDir.toString(), typo, "4"))))
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(typo))
                    .hasMessageContaining("unknown key").hasMessageNotContaining("'4'");
        }
        assertThat(dataDir).doesNotExist();
    }
}
