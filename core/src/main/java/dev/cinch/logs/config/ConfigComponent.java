package dev.cinch.logs.config;

import java.util.Map;
import java.util.Set;

/**
 * A part of Cinch that reads configuration, declaring every key it reads so that {@link CinchConfig#load} can refuse
 * typos at start instead of letting them fall back to defaults. Core itself owns only {@value CinchConfig#DATA_DIR}
 * and {@value CinchConfig#LOG_STORE}; everything else belongs to a component.
 *
 * <p>Found with {@link java.util.ServiceLoader}: a module lists its component in
 * {@code META-INF/services/dev.cinch.logs.config.ConfigComponent}. Every {@link dev.cinch.logs.LogStoreProvider} is
 * a component already and is found through its own service file; do not list it twice.
 *
 * <p>Rules a component follows (checked by {@link ConfigSchema}):
 * <ul>
 *   <li>It owns whole sections: a section is the part of a key before its first dot ({@code fs} in
 *       {@code fs.durability}), lower case letters, digits and {@code -}. No two components own the same section, so
 *       an unknown key in a section is always a typo of the one component that reads it.</li>
 *   <li>Every key it reads lies in one of its sections and is listed in {@link #configKeys()}; it may also read the
 *       core keys.</li>
 *   <li>Each key {@code <section>.<name>} can be set from the environment as {@code CINCH_<SECTION>_<NAME>}
 *       (upper case, {@code -} as {@code _}); {@link #configEnvNames()} adds other names, such as
 *       {@code DATABASE_URL}.</li>
 *   <li>Keys whose values are secret are named so that {@link CinchConfig#isSecretKey} recognises them (ending in
 *       {@code key}, {@code keys} or {@code url}, or containing {@code secret}, {@code password} or {@code token}).
 *       </li>
 * </ul>
 */
public interface ConfigComponent {

    /** The sections this component owns, e.g. {@code database}, {@code encryption}, {@code tokens}. */
    Set<String> configSections();

    /** Every full key this component reads, e.g. {@code database.pool-size}; other keys in its sections are typos. */
    Set<String> configKeys();

    /**
     * Whether this component reads {@code key}, a key in one of its sections. By default: one of {@link #configKeys()}.
     * A component whose section nests settings under names the operator chooses (the tiered store's
     * {@code tiered.<tier>.fs.root}) accepts them here by their shape, and checks them fully when it opens.
     */
    default boolean readsKey(String key) {
        return configKeys().contains(key);
    }

    /** Environment variable names, beyond the {@code CINCH_<SECTION>_<NAME>} rule, mapped to the key each sets. */
    default Map<String, String> configEnvNames() {
        return Map.of();
    }
}
