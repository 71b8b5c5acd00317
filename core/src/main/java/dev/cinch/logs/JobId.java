package dev.cinch.logs;

import java.util.regex.Pattern;

/**
 * A validated job id: the only way a user-supplied id reaches a backend.
 *
 * <p>Ids are 1 to {@value #MAX_LENGTH} characters of {@code [A-Za-z0-9_-]}. That rules out path separators,
 * {@code ..}, NUL, whitespace and anything an object store or a shell would treat specially, so every backend may
 * use {@link #value()} directly as a path segment or object-key component.
 */
public record JobId(String value) implements Comparable<JobId> {
    public static final int MAX_LENGTH = 128;

    /**
     * Ids starting with this are the store's own records kept beside a job's log (a size limit's tail buffer, its
     * summary): decorators refuse them from clients and hide them from listings, and sweeps leave them alone.
     */
    public static final String RESERVED_PREFIX = "_cinch_";
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_LENGTH + "}");

    public JobId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new InvalidJobIdException(value);
        }
    }

    /** Parses and validates a job id given by a user, a worker or a config file. */
    public static JobId of(String value) {
        return new JobId(value);
    }

    /** True for the store's own records (see {@link #RESERVED_PREFIX}), which no client may write. */
    public boolean isReserved() {
        return value.startsWith(RESERVED_PREFIX);
    }

    /** True when {@code prefix} could start a valid job id (empty is allowed): used to validate list prefixes. */
    public static boolean isValidPrefix(String prefix) {
        return prefix != null && (prefix.isEmpty() || (prefix.length() <= MAX_LENGTH && prefix.chars().allMatch(JobId::isIdChar)));
    }

    static boolean isIdChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    @Override
    public int compareTo(JobId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
