package dev.cinch.cli;

import dev.cinch.logs.JobId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "seal", description = "Mark JOB's log complete and compact it to the archive form. Idempotent.")
final class SealCommand implements Callable<Integer> {
    @ParentCommand
    Cinchlog cli;

    @Parameters(index = "0", paramLabel = "JOB", converter = JobIdConverter.class)
    JobId job;

    @Override
    public Integer call() {
        cli.store().seal(job);
        return 0;
    }
}
