package dev.cinch.metadata;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tokens verified recently, so a worker that authenticates every few milliseconds costs one bcrypt per
 * {@code ttl} instead of one per request. Holds SHA-256 digests of secrets (32 random bytes each, so the digest
 * reveals nothing usable), never the secrets. Bounded: the least recently used entries go first.
 *
 * <p>Revoking a token in this process removes it at once ({@link #invalidate}); another process keeps accepting it
 * until its entry is {@code ttl} old.
 */
final class VerifiedTokenCache {
    private static final int MAX_ENTRIES = 10_000;

    private record Entry(Token token, byte[] secretDigest, Instant verifiedAt) {
        @Override
        public String toString() {
            return "Entry[" + token.id() + ", verified " + verifiedAt + "]";
        }
    }

    private final Duration ttl;
    private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    VerifiedTokenCache(Duration ttl) {
        this.ttl = ttl;
    }

    static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** The token verified with this exact secret less than {@code ttl} before {@code now}. */
    synchronized Optional<Token> lookup(String id, byte[] secretDigest, Instant now) {
        if (ttl.isZero()) {
            return Optional.empty();
        }
        Entry e = entries.get(id);
        if (e == null) {
            return Optional.empty();
        }
        if (!now.isBefore(e.verifiedAt().plus(ttl)) || now.isBefore(e.verifiedAt())) {
            entries.remove(id);
            return Optional.empty();
        }
        return MessageDigest.isEqual(e.secretDigest(), secretDigest) ? Optional.of(e.token()) : Optional.empty();
    }

    synchronized void put(Token token, byte[] secretDigest, Instant now) {
        if (!ttl.isZero()) {
            entries.put(token.id(), new Entry(token, secretDigest, now));
        }
    }

    synchronized void invalidate(String id) {
        entries.remove(id);
    }
}
