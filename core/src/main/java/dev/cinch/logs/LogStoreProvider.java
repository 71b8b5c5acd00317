package dev.cinch.logs;

import dev.cinch.logs.config.ConfigComponent;
import dev.cinch.logs.config.ConfigException;
import dev.cinch.logs.config.StoreContext;

import java.util.Set;

/**
 * Makes {@link LogStore}s of one kind. Found with {@link java.util.ServiceLoader}: a backend module lists its
 * provider in {@code META-INF/services/dev.cinch.logs.LogStoreProvider}; {@link LogStores#open} picks one by name.
 *
 * <p>A provider is a {@link ConfigComponent}: it declares the keys it reads, so that
 * {@link dev.cinch.logs.config.CinchConfig#load} refuses typos in them whether or not this store is the one chosen.
 * Its section is its name unless it says otherwise.
 */
public interface LogStoreProvider extends ConfigComponent {

    /** The name operators put in {@code log-store}: {@code fs}, {@code db}, {@code s3}, {@code tiered}. */
    String name();

    /** The sections this provider's keys live in; by default one, named as the provider ({@code fs}). */
    @Override
    default Set<String> configSections() {
        return Set.of(name());
    }

    /** Every key this provider reads (e.g. {@code fs.durability}); other keys in its sections are typos. */
    @Override
    Set<String> configKeys();

    /**
     * Validates the configuration and opens a store. The store owns what it creates (files, pools, clients) and
     * releases them on {@link LogStore#close()}.
     *
     * @throws ConfigException naming the key, when a setting is missing or invalid
     */
    LogStore open(StoreContext context);
}
