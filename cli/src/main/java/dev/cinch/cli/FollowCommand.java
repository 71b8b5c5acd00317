package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "follow", description = "Print JOB's log as it is written, until it is sealed (works across processes).")
final class FollowCommand implements Callable<Integer> {
    @ParentCommand
    Cinchlog cli;

    @Parameters(index = "0", paramLabel = "JOB", converter = JobIdConverter.class)
    JobId job;

    @Option(names = "--from-seq", defaultValue = "0", paramLabel = "N", converter = NonNegativeLongConverter.class,
            description = "Start at chunk N (default: ${DEFAULT-VALUE}).")
    long fromSeq;

    @Override
    public Integer call() throws IOException, InterruptedException {
        try (LogFollower follower = cli.servedStore().follow(job, fromSeq)) {
            while (!follower.isFinished()) {
                for (LogChunk c : follower.poll(Duration.ofSeconds(1))) {
                    cli.out.write(c.data());
                }
                cli.out.flush();
            }
        }
        return 0;
    }
}
