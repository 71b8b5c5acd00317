package dev.cinch.metadata;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides when a token's {@code last_used} is written: at most once per {@code interval} per token, and in batches
 * (one write transaction for every token used since the previous batch, at most once per interval). A valid request
 * therefore costs no write of its own; {@code last_used} may lag by up to the interval.
 */
final class LastUsedRecorder {
    private static final int MAX_TRACKED = 100_000;

    private final Duration interval;
    /** The {@code last_used} this process last wrote, per token. */
    private final Map<String, Instant> written = new HashMap<>();
    private final Map<String, Instant> pending = new HashMap<>();
    private Instant lastBatch;

    LastUsedRecorder(Duration interval) {
        this.interval = interval;
    }

    /** Notes a use; true when it is to be written (the token's last write is an interval old, or there is none). */
    synchronized boolean record(String tokenId, Instant now) {
        Instant last = written.get(tokenId);
        if (last != null && now.isBefore(last.plus(interval)) && !now.isBefore(last)) {
            return false;
        }
        pending.put(tokenId, now);
        return true;
    }

    /** The uses to write now: everything pending when the first batch or an interval since the last one is due. */
    synchronized Map<String, Instant> takeBatchIfDue(Instant now) {
        if (pending.isEmpty() || (lastBatch != null && now.isBefore(lastBatch.plus(interval)) && !now.isBefore(lastBatch))) {
            return Map.of();
        }
        lastBatch = now;
        return takeAll();
    }

    /** Every pending use, whether due or not (closing). */
    synchronized Map<String, Instant> takeAll() {
        Map<String, Instant> batch = Map.copyOf(pending);
        pending.clear();
        return batch;
    }

    synchronized void written(Map<String, Instant> batch) {
        if (written.size() + batch.size() > MAX_TRACKED) {
            written.clear();
        }
        written.putAll(batch);
    }

    /** A batch that could not be written goes back, unless a newer use replaced it meanwhile. */
    synchronized void retryLater(Map<String, Instant> batch) {
        batch.forEach(pending::putIfAbsent);
    }
}
