package dev.cinch.metadata;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bcrypt hashing of token secrets. Secrets are 43 ASCII characters (32 random bytes, base64url), well under bcrypt's
 * 72-byte limit; callers check the form before anything reaches bcrypt.
 */
final class TokenHasher {
    /**
     * Default cost 8: about 33 ms per verification on one core of a 2-core AMD EPYC VM (cost 10: 113 ms, 12: 331 ms;
     * see docs/metadata.md). The secrets are 32 random bytes, so no cost makes guessing feasible or infeasible: the
     * cost only adds CPU to every authenticated request (a worker streaming logs authenticates often). 8 keeps a
     * stolen hash slow to test while leaving a small server room to serve; operators can raise it
     * ({@code tokens.bcrypt-cost}). Changing it affects new tokens only; old hashes keep their own cost.
     */
    static final int DEFAULT_COST = 8;
    static final int MIN_COST = 4;
    static final int MAX_COST = 16;

    private final int cost;
    private final SecureRandom random;
    private final AtomicLong verifications = new AtomicLong();

    TokenHasher(int cost, SecureRandom random) {
        if (cost < MIN_COST || cost > MAX_COST) {
            throw new InvalidInputException("bcrypt cost", "must be between " + MIN_COST + " and " + MAX_COST + ", got " + cost);
        }
        this.cost = cost;
        this.random = random;
    }

    int cost() {
        return cost;
    }

    String hash(String secret) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return new String(BCrypt.withDefaults().hash(cost, salt, secret.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    /**
     * @return whether {@code secret} matches {@code hash}
     * @throws IllegalArgumentException when {@code hash} is not a bcrypt hash (a corrupted row)
     */
    boolean verify(String secret, String hash) {
        verifications.incrementAndGet();
        BCrypt.Result result = BCrypt.verifyer().verify(secret.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8));
        if (!result.validFormat) {
            throw new IllegalArgumentException("the stored hash is not a bcrypt hash");
        }
        return result.verified;
    }

    /** How many bcrypt verifications this hasher ran: what refusing input cost. */
    long verifications() {
        return verifications.get();
    }
}
