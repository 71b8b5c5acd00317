package dev.cinch.metadata;

import java.util.List;
import java.util.Map;

/** Input checks shared by every write. */
final class Strings {
    private Strings() {
    }

    /** A short, printable rendering of user input for error messages (control characters escaped, length capped). */
    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 80; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return s.length() > 80 ? sb + "…" : sb.toString();
    }

    /**
     * Rejects text Postgres cannot store (NUL) on both dialects, so that both behave the same and nothing is half
     * written: checks run before the first statement.
     */
    static String text(String field, String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw new InvalidInputException(field, "contains a NUL character, which text columns cannot hold");
        }
        return value;
    }

    static String required(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidInputException(field, "is required");
        }
        return text(field, value);
    }

    static List<String> textList(String field, List<String> values) {
        for (String v : values) {
            if (v == null) {
                throw new InvalidInputException(field, "contains null");
            }
            text(field, v);
        }
        return List.copyOf(values);
    }

    static Map<String, String> textMap(String field, Map<String, String> values) {
        values.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new InvalidInputException(field, "contains a null key or value");
            }
            text(field, k);
            text(field, v);
        });
        return Map.copyOf(values);
    }
}
