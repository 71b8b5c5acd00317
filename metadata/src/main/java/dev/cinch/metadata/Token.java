package dev.cinch.metadata;

import java.time.Instant;
import java.util.List;

/**
 * An API token's metadata. The bcrypt hash is never loaded into this record and the raw token is never stored.
 *
 * @param workerId the worker a worker token belongs to; null otherwise
 * @param expiresAt null for never
 * @param revokedAt null while active
 */
public record Token(String id, String name, TokenType type, String workerId, List<String> scopes, Instant lastUsed,
                    Instant expiresAt, Instant createdAt, Instant revokedAt) {
    public Token {
        scopes = List.copyOf(scopes);
    }

    /** Active: not revoked and not expired at {@code now}. */
    public boolean isActive(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
