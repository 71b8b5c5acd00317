package dev.cinch.metadata;

import java.util.Arrays;
import java.util.Locale;

/** How Cinch authenticates to a forge: a GitHub App key, an OAuth grant, or a personal access token. */
public enum ForgeCredentialType {
    APP, OAUTH, PAT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ForgeCredentialType parse(String name) {
        if (name != null) {
            for (ForgeCredentialType t : values()) {
                if (t.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return t;
                }
            }
        }
        throw new InvalidInputException("credential type", "unknown credential type '" + Strings.printable(name)
                + "'; valid: " + Arrays.stream(values()).map(ForgeCredentialType::wireName).toList());
    }
}
