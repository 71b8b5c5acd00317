package dev.cinch.cli;

import dev.cinch.logs.JobId;
import picocli.CommandLine;

/** {@code ls --prefix}: the start of a job id, validated like one while parsing (exit 2 otherwise). */
final class JobIdPrefixConverter implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
        if (!JobId.isValidPrefix(value)) {
            throw new CommandLine.TypeConversionException(Cinchlog.quoted(value) + " cannot start a job id; job ids are 1 to "
                    + JobId.MAX_LENGTH + " characters of A-Z a-z 0-9 _ -");
        }
        return value;
    }
}
