package dev.cinch.logs.text;

import java.nio.charset.StandardCharsets;

/**
 * A line's bytes as ISO-8859-1 characters, without a copy, that counts the reads a regular expression makes and
 * stops it once they pass a budget. {@link java.util.regex.Matcher} has no time limit of its own, but every step of
 * its backtracking reads the input through {@link #charAt}, so counting reads bounds the work.
 */
final class BudgetedChars implements CharSequence {
    /** Thrown out of the matcher when the budget is spent; the search turns it into its typed error. */
    static final class Exhausted extends RuntimeException {
        Exhausted() {
            super(null, null, false, false);
        }
    }

    private final byte[] bytes;
    private final int from;
    private final int length;
    private long remaining;

    BudgetedChars(byte[] bytes, int from, int length, long budget) {
        this.bytes = bytes;
        this.from = from;
        this.length = length;
        this.remaining = budget;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (--remaining < 0) {
            throw new Exhausted();
        }
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        return (char) (bytes[from + index] & 0xFF);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new String(bytes, from + start, end - start, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
    }
}
