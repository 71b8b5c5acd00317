package dev.cinch.metadata;

import java.util.Optional;

/**
 * The answer of {@link MetadataStore#validateToken}, for any input. A caller that authenticates requests should
 * treat every outcome but {@link Outcome#VALID} the same way (401); the reasons are for logs and the operator's CLI.
 *
 * @param token the token, only when valid
 */
public record TokenValidation(Outcome outcome, Token token) {
    public enum Outcome {
        VALID,
        /** Not of the form {@code cinch_tok_<16 of a-z0-9>_<43 of base64url>}: refused without a database read or bcrypt. */
        MALFORMED,
        /** Well formed, but no token has that id: refused after one indexed read, without bcrypt. */
        UNKNOWN,
        /** The id exists and the secret does not match its hash. */
        WRONG_SECRET,
        /** The secret matches, but the token expired. */
        EXPIRED,
        /** The secret matches, but the token was revoked. */
        REVOKED
    }

    static TokenValidation refused(Outcome outcome) {
        return new TokenValidation(outcome, null);
    }

    public boolean isValid() {
        return outcome == Outcome.VALID;
    }

    public Optional<Token> validToken() {
        return Optional.ofNullable(token);
    }
}
