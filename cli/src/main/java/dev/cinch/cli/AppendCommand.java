package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogWriter;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.policy.JobSecrets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;

@Command(name = "append", description = {"Append stdin to JOB's log as chunks, continuing after its last seq.",
        "JOB is registered in the metadata database first when it is not there yet; if that database cannot be",
        "reached, append fails (exit 1) before reading stdin, so nothing is stored for a job the metadata lacks.",
        "The job's secrets (added with 'secret add', and its repository's forge token) are masked before anything",
        "is stored."})
final class AppendCommand implements Callable<Integer> {
    @ParentCommand
    Cinchlog cli;

    @Parameters(index = "0", paramLabel = "JOB", converter = JobIdConverter.class, description = "Job id ([A-Za-z0-9_-]{1,128}).")
    JobId job;

    @Option(names = "--stream", defaultValue = "stdout", paramLabel = "stdout|stderr", converter = StreamConverter.class,
            description = "Stream the chunks belong to (default: ${DEFAULT-VALUE}).")
    LogStream stream;

    @Option(names = "--chunk-size", defaultValue = "65536", paramLabel = "BYTES", converter = ChunkSizeConverter.class,
            description = "Largest chunk to store (default: ${DEFAULT-VALUE}).")
    int chunkSize;

    @picocli.CommandLine.Mixin
    SizeLimitOptions limits = new SizeLimitOptions();

    @Override
    public Integer call() throws IOException {
        // Metadata first: a log must never exist for a job the metadata does not know (retention and the server
        // find logs through job rows). The metadata being unreachable is a failure here, not a silent skip.
        limits.apply(cli);
        cli.metadata().ensureJob(job, "append");
        // The writer role before the first byte of stdin is read: a second append to the same job (another
        // process) fails here, with nothing consumed, instead of colliding with this one at some seq later. Taking
        // it creates the log, so even empty input leaves a log (an empty one).
        // Masked with the job's secrets in the metadata database, read again every few seconds while stdin lasts.
        try (LogWriter session = cli.maskingStore(JobSecrets.NONE).openWriter(job)) {
            ChunkWriter writer = new ChunkWriter(session);
            byte[] buf = new byte[chunkSize];
            InputStream in = cli.in;
            while (true) {
                int n = in.readNBytes(buf, 0, buf.length);
                if (n <= 0) {
                    break;
                }
                writer.write(stream, buf, n);
            }
        }
        return 0;
    }
}
