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
    /** Cost 10 verifies in roughly 50-80 ms on one core of a small server: see docs/metadata.md for measurements. */
    static final int DEFAULT_COST = 10;
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
