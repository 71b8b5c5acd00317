package dev.cinch.cli;

import dev.cinch.logs.InvalidJobIdException;
import dev.cinch.logs.JobId;
import picocli.CommandLine;

/** Validates job ids while parsing, so a bad id is a usage error (exit 2) before anything is opened. */
final class JobIdConverter implements CommandLine.ITypeConverter<JobId> {
    @Override
    public JobId convert(String value) {
        try {
            return JobId.of(value);
        } catch (InvalidJobIdException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
