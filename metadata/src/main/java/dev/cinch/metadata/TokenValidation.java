package dev.cinch.metadata;

import java.util.Optional;

/**
 * The answer of {@link MetadataStore#validateToken}. A caller that authenticates requests should treat every
 * outcome but {@link Outcome#VALID} the same way (401); the reasons are for logs and the operator's CLI.
 *
 * @param token the token, only when valid
 */
public record TokenValidation(Outcome outcome, Token token) {
    public enum Outcome {
        VALID,
        /** Not of the form {@code cinch_tok_<16>_<43>}. */
        MALFORMED,
        /** No token has that id, or the secret does not match: deliberately not told apart. */
        UNKNOWN_OR_WRONG_SECRET,
        EXPIRED,
        REVOKED
    }

    public boolean isValid() {
        return outcome == Outcome.VALID;
    }

    public Optional<Token> validToken() {
        return Optional.ofNullable(token);
    }
}
