package dev.cinch.logs.tiered;

import dev.cinch.logs.LogStore;

/**
 * Wraps each tier's own store as the tiered store opens it, so that something measured or traced per tier (metrics,
 * for one) sees every call a tier serves, the archiver's copies included, under the tier's name. It is lent through
 * the {@link dev.cinch.logs.config.StoreContext} ({@code Map.of(TierDecorator.class, decorator)}) rather than
 * configured, so this module needs to know nothing about what the wrapper does.
 *
 * <p>The returned store must delegate every call unchanged (same answers, same exception instances); the tiered
 * store owns and closes it, and closing it must close {@code store}.
 */
@FunctionalInterface
public interface TierDecorator {

    /** The store the tiered store uses for tier {@code tier}, wrapping {@code store} (the tier's provider's store). */
    LogStore decorate(String tier, LogStore store);
}
