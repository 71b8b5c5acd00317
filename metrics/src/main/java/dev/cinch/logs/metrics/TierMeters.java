package dev.cinch.logs.metrics;

import dev.cinch.logs.tiered.TierDecorator;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Meters each tier of a tiered store under its tier's name, through the tiered store's {@link TierDecorator} hook.
 * The tiered store is an optional dependency of this module, so this class is only loaded once
 * {@link #available()} said the tiered store is on the class path.
 */
final class TierMeters {
    /** The tiered store's provider name. */
    static final String TIERED = "tiered";

    private TierMeters() {
    }

    static boolean available() {
        try {
            Class.forName("dev.cinch.logs.tiered.TierDecorator", false, TierMeters.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** {@code lent} plus a decorator that meters each tier's store and hands the metered store to {@code opened}. */
    static Map<Class<?>, Object> lend(Map<Class<?>, Object> lent, MeterRegistry registry, Consumer<MeteredLogStore> opened) {
        Map<Class<?>, Object> all = new HashMap<>(lent);
        TierDecorator decorator = (tier, store) -> {
            MeteredLogStore metered = MeteredLogStore.wrap(store, registry, tier);
            opened.accept(metered);
            return metered;
        };
        all.put(TierDecorator.class, decorator);
        return all;
    }
}
