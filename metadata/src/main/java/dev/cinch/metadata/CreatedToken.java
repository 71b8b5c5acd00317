package dev.cinch.metadata;

/**
 * A new token: its metadata and the raw token, {@code cinch_<id>_<secret>}. The raw token exists only here — the
 * store keeps a bcrypt hash of the secret — so it must be shown to the user once and then dropped.
 */
public record CreatedToken(Token token, String rawToken) {
    @Override
    public String toString() {
        return "CreatedToken[token=" + token + ", rawToken=****]";
    }
}
