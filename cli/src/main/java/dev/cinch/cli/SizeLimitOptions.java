package dev.cinch.cli;

import dev.cinch.logs.policy.LimitsConfig;
import picocli.CommandLine.Option;

import java.util.Optional;

/** {@code --keep-head} and {@code --keep-tail} of the commands that write a job's output ({@code run}, {@code append}). */
final class SizeLimitOptions {
    @Option(names = "--keep-head", paramLabel = "SIZE", converter = KeptSizeConverter.class,
            description = {"Size limit: keep the first SIZE bytes of the output (e.g. 1MiB; 0, or at least 1KiB).",
                    "With --keep-tail, the middle is replaced by one marker line (default: limits.keep-head)."})
    Long keepHead;

    @Option(names = "--keep-tail", paramLabel = "SIZE", converter = KeptSizeConverter.class,
            description = {"Size limit: keep the last SIZE bytes of the output, added to the log when it is sealed",
                    "(default: limits.keep-tail). With neither set anywhere, everything is kept."})
    Long keepTail;

    /** Makes the CLI's writes keep what these options (or the config's defaults) say. */
    void apply(Cinchlog cli) {
        cli.limitWrites(LimitsConfig.limit(cli.config(), Optional.ofNullable(keepHead), Optional.ofNullable(keepTail)));
    }
}
