package dev.cinch.metadata;

/**
 * A new worker and its token, in raw form: shown once, stored only as a bcrypt hash.
 *
 * @param token the worker's raw token ({@code cinch_tok_..._...}); never printed by {@link #toString()}
 */
public record CreatedWorker(Worker worker, String tokenId, String token) {
    @Override
    public String toString() {
        return "CreatedWorker[worker=" + worker + ", tokenId=" + tokenId + ", token=****]";
    }
}
