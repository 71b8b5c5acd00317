package dev.cinch.cli;

import dev.cinch.metadata.InvalidInputException;
import dev.cinch.metadata.TokenType;
import picocli.CommandLine;

/** {@code worker|admin|readonly}, checked while parsing so a typo is a usage error naming {@code --type}. */
final class TokenTypeConverter implements CommandLine.ITypeConverter<TokenType> {
    @Override
    public TokenType convert(String value) {
        try {
            return TokenType.parse(value);
        } catch (InvalidInputException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
