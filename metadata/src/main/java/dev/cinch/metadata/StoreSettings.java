package dev.cinch.metadata;

import dev.cinch.logs.config.CinchConfig;

import java.time.Duration;

/**
 * Tunables of the metadata store.
 *
 * @param bcryptCost cost of new token hashes ({@code tokens.bcrypt-cost}, 4..16, default 8)
 * @param tokenCacheTtl how long a verified token is accepted again without bcrypt or a database read
 *     ({@code tokens.cache-ttl}, 0..10m, default 10s; 0 disables the cache). A revoke in this process takes effect at
 *     once; another process or server instance may accept a revoked token for up to this long.
 * @param queue leases and worker liveness of the job queue
 */
public record StoreSettings(int bcryptCost, Duration tokenCacheTtl, QueuePolicy queue) {
    public static final String BCRYPT_COST_KEY = "tokens.bcrypt-cost";
    public static final String TOKEN_CACHE_TTL_KEY = "tokens.cache-ttl";
    public static final Duration DEFAULT_TOKEN_CACHE_TTL = Duration.ofSeconds(10);

    public StoreSettings {
        if (bcryptCost < TokenHasher.MIN_COST || bcryptCost > TokenHasher.MAX_COST) {
            throw new InvalidInputException("bcrypt cost", "must be between " + TokenHasher.MIN_COST + " and "
                    + TokenHasher.MAX_COST + ", got " + bcryptCost);
        }
        if (tokenCacheTtl.isNegative()) {
            throw new InvalidInputException("token cache ttl", "must not be negative");
        }
    }

    public static StoreSettings defaults() {
        return new StoreSettings(TokenHasher.DEFAULT_COST, DEFAULT_TOKEN_CACHE_TTL, QueuePolicy.defaults());
    }

    /** With another bcrypt cost (tests use 4). */
    public static StoreSettings withBcryptCost(int cost) {
        return new StoreSettings(cost, DEFAULT_TOKEN_CACHE_TTL, QueuePolicy.defaults());
    }

    public StoreSettings withTokenCacheTtl(Duration ttl) {
        return new StoreSettings(bcryptCost, ttl, queue);
    }

    public StoreSettings withQueue(QueuePolicy policy) {
        return new StoreSettings(bcryptCost, tokenCacheTtl, policy);
    }

    /** From {@code tokens.bcrypt-cost} and {@code tokens.cache-ttl}; the queue policy is the default. */
    public static StoreSettings fromConfig(CinchConfig config) {
        int cost = config.getInt(BCRYPT_COST_KEY, TokenHasher.DEFAULT_COST, TokenHasher.MIN_COST, TokenHasher.MAX_COST);
        Duration ttl = config.getDuration(TOKEN_CACHE_TTL_KEY, DEFAULT_TOKEN_CACHE_TTL, Duration.ZERO, Duration.ofMinutes(10));
        return new StoreSettings(cost, ttl, QueuePolicy.defaults());
    }
}
