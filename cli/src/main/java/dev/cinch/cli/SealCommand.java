package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/**
 * {@code seal JOB}. A job with no log is sealed as an empty log only when the metadata database has its row: the job
 * ran and printed nothing, so its complete log is empty. With neither a log nor a row the id is most likely a typo,
 * and sealing it would leave behind an empty log that no job points to; that is an error (exit 1).
 */
@Command(name = "seal", description = {"Mark JOB's log complete and compact it to the archive form. Idempotent.",
        "A job that has a row in the metadata database but no log gets an empty sealed log (it printed nothing);",
        "a job with neither is an error (exit 1). The metadata database is migrated automatically on first use."})
final class SealCommand implements Callable<Integer> {
    @ParentCommand
    Cinchlog cli;

    @Parameters(index = "0", paramLabel = "JOB", converter = JobIdConverter.class, description = "Job id ([A-Za-z0-9_-]{1,128}).")
    JobId job;

    @Override
    public Integer call() {
        LogStore store = cli.store();
        // The store first: sealing a stored log needs no database, so it keeps working while the database is down.
        if (!store.exists(job) && cli.metadata().store().findJob(job).isEmpty()) {
            throw new UnknownJobException(job, "no log stored and no job row in the metadata database; nothing to seal");
        }
        store.seal(job);
        return 0;
    }
}
