package dev.cinch.metadata;

import dev.cinch.sql.Database;

import dev.cinch.logs.config.ConfigComponent;

import java.util.Map;
import java.util.Set;

/**
 * Every configuration key the metadata module reads, in one place: {@link dev.cinch.logs.config.CinchConfig#load}
 * refuses any other key in these sections, and {@link Metadata#open} does too for configurations built in code. A
 * new setting is one more constant in {@link #KEYS}; each key can then also be set as {@code CINCH_<SECTION>_<NAME>}
 * ({@code CINCH_DATABASE_POOL_SIZE}).
 */
public final class MetadataConfig implements ConfigComponent {
    public static final Set<String> SECTIONS = Set.of("database", "encryption", "tokens");

    public static final Set<String> KEYS = Set.of(
            Database.URL_KEY,
            Database.POOL_SIZE_KEY,
            Database.CONNECT_TIMEOUT_KEY,
            Database.BUSY_TIMEOUT_KEY,
            Database.BUSY_RETRY_BUDGET_KEY,
            EncryptionKeys.KEY,
            EncryptionKeys.OLD_KEYS,
            Metadata.BCRYPT_COST_KEY,
            StoreSettings.TOKEN_CACHE_TTL_KEY);

    /** The seed's names; the encryption ones would follow the rule anyway, and are listed so they stay documented. */
    public static final Map<String, String> ENV_NAMES = Map.of(
            "DATABASE_URL", Database.URL_KEY,
            "CINCH_ENCRYPTION_KEY", EncryptionKeys.KEY,
            "CINCH_ENCRYPTION_OLD_KEYS", EncryptionKeys.OLD_KEYS);

    @Override
    public Set<String> configSections() {
        return SECTIONS;
    }

    @Override
    public Set<String> configKeys() {
        return KEYS;
    }

    @Override
    public Map<String, String> configEnvNames() {
        return ENV_NAMES;
    }
}
