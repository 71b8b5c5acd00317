package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.LogCheck;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "verify", description = {"Check stored logs: every chunk's CRC32C and, for sealed logs, every archive",
        "frame checksum, the chunk index and the seek table.",
        "Prints each problem with job, tier and seq or offset, and exits 1 when any is found.",
        "Reads only; nothing stored is changed."})
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    Cinchlog cli;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JOB", converter = JobIdConverter.class,
            description = "The job whose log to check.")
    JobId job;

    @Option(names = "--all", description = "Check every stored log (with --prefix: those whose job id starts with it).")
    boolean all;

    @Option(names = "--prefix", defaultValue = "", paramLabel = "PREFIX", converter = JobIdPrefixConverter.class,
            description = "With --all: only job ids starting with PREFIX.")
    String prefix;

    @Override
    public Integer call() throws IOException {
        if ((job == null) == !all) {
            throw new Cinchlog.UsageException(job == null ? "give a JOB or --all" : "give a JOB or --all, not both");
        }
        if (!all && !prefix.isEmpty()) {
            throw new Cinchlog.UsageException("--prefix goes with --all");
        }
        LogStore store = cli.store();
        if (job != null) {
            LogCheck check = store.verify(job);
            print(check);
            return check.ok() ? 0 : Cinchlog.EXIT_FAILURE;
        }
        List<JobId> jobs = allJobs(store);
        long checked = 0;
        long bytes = 0;
        long damaged = 0;
        try (Progress progress = Progress.start(cli, "verify", "logs", jobs.size())) {
            for (JobId id : jobs) {
                LogCheck check;
                try {
                    check = store.verify(id);
                } catch (LogNotFoundException e) {
                    progress.step(0); // deleted since it was listed
                    continue;
                } catch (LogStoreException e) {
                    // An I/O failure rather than damage: report it as a problem of this log and go on with the rest.
                    write("problem: " + store.name() + ": " + Cinchlog.oneLine(e) + "\n");
                    damaged++;
                    progress.step(0);
                    continue;
                }
                checked++;
                bytes += check.rawBytes();
                if (!check.ok()) {
                    damaged++;
                    print(check);
                }
                progress.step(check.rawBytes());
            }
        }
        write(String.format(Locale.ROOT, "verified %d logs, %s: %d with problems%n", checked,
                Progress.formatBytes(bytes), damaged));
        return damaged == 0 ? 0 : Cinchlog.EXIT_FAILURE;
    }

    /** Ids only (cheap): the total gives the progress its ETA. */
    private List<JobId> allJobs(LogStore store) {
        List<JobId> jobs = new ArrayList<>();
        JobId after = null;
        do {
            JobPage page = store.list(prefix, after, LogStore.MAX_LIST_PAGE);
            jobs.addAll(page.jobs());
            after = page.nextStartAfter().orElse(null);
        } while (after != null);
        return jobs;
    }

    private void print(LogCheck c) throws IOException {
        StringBuilder text = new StringBuilder();
        if (c.ok()) {
            text.append(String.format(Locale.ROOT, "ok: job %s (tier %s, %s, %d chunks, %d bytes)%n", c.job(), c.tier(),
                    c.sealed() ? "sealed" : "open", c.chunks(), c.rawBytes()));
        } else {
            for (String problem : c.problems()) {
                text.append("problem: ").append(c.tier()).append(": ").append(problem).append('\n');
            }
            long unlisted = c.problemCount() - c.problems().size();
            if (unlisted > 0) {
                text.append("problem: ").append(c.tier()).append(": job ").append(c.job()).append(": ")
                        .append(unlisted).append(" more problems not listed\n");
            }
        }
        write(text.toString());
    }

    private void write(String text) throws IOException {
        cli.out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
