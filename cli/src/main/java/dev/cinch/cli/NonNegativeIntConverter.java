package dev.cinch.cli;

import picocli.CommandLine;

/** Line counts: a whole number from 0 to {@value Integer#MAX_VALUE}, checked while parsing (exit 2 otherwise). */
final class NonNegativeIntConverter implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        long n = new NonNegativeLongConverter().convert(value);
        if (n > Integer.MAX_VALUE) {
            throw new CommandLine.TypeConversionException(Cinchlog.quoted(value) + " is too large; it must be at most " + Integer.MAX_VALUE);
        }
        return (int) n;
    }
}
