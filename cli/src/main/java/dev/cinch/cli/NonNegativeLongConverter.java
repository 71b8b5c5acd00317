package dev.cinch.cli;

import picocli.CommandLine;

/**
 * Offsets, lengths and seqs: a whole number, 0 or more. Checked while parsing, so a negative value is a usage error
 * naming the option (exit 2) and the store is never asked.
 */
final class NonNegativeLongConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        long n = wholeNumber(value, "a whole number");
        if (n < 0) {
            throw new CommandLine.TypeConversionException(Cinchlog.quoted(value) + " is negative; it must be 0 or more");
        }
        return n;
    }

    /** {@code value} as a long, or a usage error saying it is not {@code what}. */
    static long wholeNumber(String value, String what) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException(Cinchlog.quoted(value) + " is not " + what);
        }
    }
}
