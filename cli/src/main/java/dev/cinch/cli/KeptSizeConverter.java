package dev.cinch.cli;

import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.policy.LimitsConfig;
import picocli.CommandLine;

import java.util.OptionalLong;

/** {@code --keep-head} and {@code --keep-tail}: a size as config values write it ({@code 1MiB}), 0 or at least 1KiB. */
final class KeptSizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        OptionalLong n;
        try {
            n = CinchConfig.parseSize(value);
        } catch (ArithmeticException e) {
            n = OptionalLong.of(-1);
        }
        if (n.isEmpty()) {
            throw new CommandLine.TypeConversionException("must be a size such as 65536, 256KiB or 1MiB, got " + Cinchlog.quoted(value));
        }
        String problem = LimitsConfig.problem(n.getAsLong()).orElse(null);
        if (problem != null) {
            throw new CommandLine.TypeConversionException(problem + ", got " + Cinchlog.quoted(value));
        }
        return n.getAsLong();
    }
}
