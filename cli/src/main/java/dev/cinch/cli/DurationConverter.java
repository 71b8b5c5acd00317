package dev.cinch.cli;

import dev.cinch.logs.config.CinchConfig;
import picocli.CommandLine;

import java.time.Duration;

/**
 * Durations as the config file writes them ({@code 30d}, {@code 12h}, {@code 10m}, {@code 30s}, {@code 500ms}), so
 * a bad value is a usage error naming the option (picocli adds "Invalid value for option '--x'").
 *
 * <p>At most {@value #MAX_DAYS}d (100 years), which is "forever" for tokens and retention alike. Without a bound, a
 * value such as {@code 99999999999d} parsed fine and then made a timestamp no database column holds, failing (or
 * not) depending on the dialect.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    static final long MAX_DAYS = 36_500;

    @Override
    public Duration convert(String value) {
        Duration d = CinchConfig.parseDuration(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                Cinchlog.quoted(value) + " is not a duration such as 30d, 12h, 10m or 30s"));
        if (d.compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
            throw new CommandLine.TypeConversionException(Cinchlog.quoted(value) + " is too long; at most " + MAX_DAYS + "d");
        }
        return d;
    }
}
