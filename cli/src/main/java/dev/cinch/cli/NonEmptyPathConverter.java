package dev.cinch.cli;

import picocli.CommandLine;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A file or folder given on the command line. An empty value is refused while parsing (exit 2): it would otherwise
 * mean the current directory, silently.
 */
final class NonEmptyPathConverter implements CommandLine.ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
        if (value.isBlank()) {
            throw new CommandLine.TypeConversionException("must not be empty");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new CommandLine.TypeConversionException(Cinchlog.quoted(value) + " is not a valid path: " + e.getReason());
        }
    }
}
