package dev.cinch.metadata;

import java.util.Arrays;
import java.util.Locale;

/** What an API token is for. */
public enum TokenType {
    /** Held by a worker machine; bound to a worker row. */
    WORKER,
    /** Full access. */
    ADMIN,
    /** Read-only access. */
    READONLY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TokenType parse(String name) {
        if (name != null) {
            for (TokenType t : values()) {
                if (t.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return t;
                }
            }
        }
        throw new InvalidInputException("token type", "unknown token type '" + Strings.printable(name) + "'; valid: "
                + Arrays.stream(values()).map(TokenType::wireName).toList());
    }
}
