package dev.cinch.cli;

import dev.cinch.logs.LogStream;
import picocli.CommandLine;

final class StreamConverter implements CommandLine.ITypeConverter<LogStream> {
    @Override
    public LogStream convert(String value) {
        try {
            return LogStream.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
