package dev.cinch.metadata;

import java.time.Instant;
import java.util.List;

/**
 * What a caller gives to create a token.
 *
 * @param workerId required for {@link TokenType#WORKER} tokens, must be null otherwise
 * @param expiresAt null for never
 */
public record NewToken(String name, TokenType type, String workerId, List<String> scopes, Instant expiresAt) {
    public NewToken {
        scopes = scopes == null ? List.of() : scopes;
    }
}
