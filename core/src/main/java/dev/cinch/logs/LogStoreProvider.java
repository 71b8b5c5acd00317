package dev.cinch.logs;

import dev.cinch.logs.config.ConfigException;
import dev.cinch.logs.config.StoreContext;

import java.util.Set;

/**
 * Makes {@link LogStore}s of one kind. Found with {@link java.util.ServiceLoader}: a backend module lists its
 * provider in {@code META-INF/services/dev.cinch.logs.LogStoreProvider}; {@link LogStores#open} picks one by name.
 */
public interface LogStoreProvider {

    /** The name operators put in {@code log-store}: {@code fs}, {@code db}, {@code s3}, {@code tiered}. */
    String name();

    /** Keys this provider reads under its own section (e.g. {@code fs.durability}); other keys there are typos. */
    Set<String> configKeys();

    /**
     * Validates the configuration and opens a store. The store owns what it creates (files, pools, clients) and
     * releases them on {@link LogStore#close()}.
     *
     * @throws ConfigException naming the key, when a setting is missing or invalid
     */
    LogStore open(StoreContext context);
}
