package dev.cinch.cli;

import picocli.CommandLine;

/**
 * Values that mean nothing when empty or blank (a store name, a scope): refused while parsing (exit 2), rather than
 * read as "not given" or stored as an empty string.
 */
final class NonEmptyConverter implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
        if (value.isBlank()) {
            throw new CommandLine.TypeConversionException("must not be empty or blank");
        }
        return value;
    }
}
