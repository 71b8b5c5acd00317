package dev.cinch.cli;

import dev.cinch.logs.config.CinchConfig;
import picocli.CommandLine;

import java.time.Duration;

/**
 * Durations as the config file writes them ({@code 30d}, {@code 12h}, {@code 10m}, {@code 30s}, {@code 500ms}), so
 * a bad value is a usage error naming the option (picocli adds "Invalid value for option '--x'").
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return CinchConfig.parseDuration(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                "'" + value + "' is not a duration such as 30d, 12h, 10m or 30s"));
    }
}
