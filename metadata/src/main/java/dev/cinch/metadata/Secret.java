package dev.cinch.metadata;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret string (webhook secret, forge token, private key). Kept apart from {@code String} so that it never
 * appears by accident: {@link #toString()} prints {@code ****}, and the value is only available through
 * {@link #reveal()}, which callers use at the moment they need it (signing, an HTTP header).
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** Null when {@code value} is null: for optional secret columns. */
    public static Secret ofNullable(String value) {
        return value == null ? null : new Secret(value);
    }

    /** The secret itself. Never log or print it. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        // Constant-time comparison: a secret equality check must not leak where the first difference is.
        return o instanceof Secret s && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0x5ec7e7;
    }

    @Override
    public String toString() {
        return "****";
    }
}
