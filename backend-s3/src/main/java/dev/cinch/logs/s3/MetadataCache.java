package dev.cinch.logs.s3;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Parsed segment headers and archive footers (seek table, index trailer, small indexes), bounded by bytes, least
 * recently used first out. Keys name immutable bytes (an object key with its ETag, or an archive key, which is unique
 * per upload), so an entry can never be stale: a replaced object has another ETag. Thread-safe.
 */
final class MetadataCache {
    private final long capacityBytes;
    private final LinkedHashMap<String, Object> entries = new LinkedHashMap<>(64, 0.75f, true);
    private final LinkedHashMap<String, Long> weights = new LinkedHashMap<>();
    private long bytes;
    private long hits;
    private long misses;

    MetadataCache(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    synchronized <T> T get(String key, Class<T> type) {
        Object v = entries.get(key);
        if (v == null) {
            misses++;
            return null;
        }
        hits++;
        return type.cast(v);
    }

    <T> void put(String key, T value, ToLongFunction<T> weigher) {
        long w = weigher.applyAsLong(value);
        synchronized (this) {
            if (w > capacityBytes) {
                return;
            }
            Object old = entries.put(key, value);
            Long oldWeight = weights.put(key, w);
            bytes += w - (old == null || oldWeight == null ? 0 : oldWeight);
            for (Iterator<Map.Entry<String, Object>> it = entries.entrySet().iterator(); bytes > capacityBytes && it.hasNext(); ) {
                String victim = it.next().getKey();
                it.remove();
                bytes -= weights.remove(victim);
            }
        }
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized long hits() {
        return hits;
    }

    synchronized long misses() {
        return misses;
    }
}
