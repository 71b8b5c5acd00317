package dev.cinch.metadata;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * bcrypt hashing of token secrets, with a dummy hash of the same cost so that checking a token whose id does not
 * exist costs one full bcrypt verification, like a wrong secret: timing does not reveal which ids exist.
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
    private final byte[] dummyHash;

    TokenHasher(int cost, SecureRandom random) {
        if (cost < MIN_COST || cost > MAX_COST) {
            throw new InvalidInputException("bcrypt cost", "must be between " + MIN_COST + " and " + MAX_COST + ", got " + cost);
        }
        this.cost = cost;
        byte[] junk = new byte[32];
        random.nextBytes(junk);
        this.dummyHash = BCrypt.withDefaults().hash(cost, Base64.getUrlEncoder().withoutPadding().encode(junk));
    }

    int cost() {
        return cost;
    }

    String hash(String secret) {
        return new String(BCrypt.withDefaults().hash(cost, secret.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    boolean verify(String secret, String hash) {
        return BCrypt.verifyer().verify(secret.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8)).verified;
    }

    /** Spends one verification's worth of time and answers false. */
    void verifyDummy(String secret) {
        BCrypt.verifyer().verify(secret.getBytes(StandardCharsets.UTF_8), dummyHash);
    }
}
