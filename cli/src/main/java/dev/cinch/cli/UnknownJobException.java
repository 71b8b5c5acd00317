package dev.cinch.cli;

import dev.cinch.logs.JobId;

/** Neither the log store nor the metadata database knows the job (exit 1). The message names the job. */
final class UnknownJobException extends RuntimeException {
    UnknownJobException(JobId job, String detail) {
        super("job " + job.value() + ": " + detail);
    }
}
