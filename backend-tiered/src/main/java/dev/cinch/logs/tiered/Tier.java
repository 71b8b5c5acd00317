package dev.cinch.logs.tiered;

import dev.cinch.logs.LogStore;

/** A tier at run time: its settings, its place in the order (0 is hot) and the store holding its logs. */
record Tier(TierSpec spec, int index, LogStore store) {
    String name() {
        return spec.name();
    }
}
