package dev.cinch.cli;

import picocli.CommandLine;

import java.util.regex.Pattern;

/**
 * A token id as {@code token ls} shows it: {@code tok_} and 16 of {@code [a-z0-9]}. A value of another shape cannot
 * name any token, so it is a usage error (exit 2); a well-formed id that names no token stays a failure (exit 1).
 */
final class TokenIdConverter implements CommandLine.ITypeConverter<String> {
    private static final Pattern TOKEN_ID = Pattern.compile("tok_[a-z0-9]{16}");

    @Override
    public String convert(String value) {
        if (!TOKEN_ID.matcher(value).matches()) {
            throw new CommandLine.TypeConversionException(Cinchlog.quoted(value)
                    + " is not a token id (tok_ and 16 lower-case letters or digits, as 'cinchlog token ls' shows)");
        }
        return value;
    }
}
