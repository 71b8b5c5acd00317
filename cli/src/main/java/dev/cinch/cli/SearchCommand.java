package dev.cinch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.text.SearchMatch;
import dev.cinch.logs.text.SearchOptions;
import dev.cinch.metadata.Job;
import dev.cinch.metadata.JobFilter;
import dev.cinch.metadata.JobStatus;
import dev.cinch.metadata.MetadataStore;
import dev.cinch.metadata.Page;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code cinchlog search}: which jobs printed PATTERN. The metadata database picks the candidate jobs (newest first,
 * by repo, branch, status and age); each sealed log is then asked where the pattern may occur (its archive's frame
 * filters), so a log that cannot hold a plain string is skipped without decompressing any of it.
 */
@Command(name = "search",
        description = {"Find the jobs whose logs contain PATTERN, newest first, and print the first",
            "matching lines of each as 'JOB:LINE:text' (as 'grep -rn' prints FILE:LINE:text).",
            "Jobs are picked from the metadata database (--repo, --branch, --status, --since);",
            "a plain string (-F, or a pattern without regex characters) skips every sealed log",
            "and archive frame whose filters say it cannot occur there.",
            "Exit status as grep's: 0 when a job matched, 1 when none did, 2 on an error."})
final class SearchCommand implements Callable<Integer> {
    private static final int PAGE = 200;

    @ParentCommand
    Cinchlog cli;

    @Parameters(index = "0", paramLabel = "PATTERN", description = "A regular expression, or with -F a literal text (as for grep).")
    String pattern;

    @Option(names = "--repo", paramLabel = "REPO_ID", description = "Only jobs of this repository (its id).")
    String repo;

    @Option(names = "--branch", paramLabel = "BRANCH", description = "Only jobs of this branch.")
    String branch;

    @Option(names = "--status", paramLabel = "STATUS",
            description = "Only jobs that ended so: success, failure, error, cancelled (or pending, running).")
    String status;

    @Option(names = "--since", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Only jobs created within this long before now, e.g. 7d, 12h.")
    Duration since;

    @Option(names = {"-F", "--fixed-strings"}, description = "PATTERN is literal text.")
    boolean fixed;

    @Option(names = {"-i", "--ignore-case"}, description = "ASCII letters match either case.")
    boolean ignoreCase;

    @Option(names = "--max-jobs", paramLabel = "N", defaultValue = "20", converter = NonNegativeIntConverter.class,
            description = "Stop after N matching jobs (default: ${DEFAULT-VALUE}).")
    int maxJobs;

    @Option(names = "--matches", paramLabel = "N", defaultValue = "3", converter = NonNegativeIntConverter.class,
            description = "Matching lines printed per job (default: ${DEFAULT-VALUE}).")
    int matchesPerJob;

    @Option(names = "--json", description = "Print one JSON object: the jobs searched and, per matching job, its "
            + "metadata and first matches (lines as UTF-8 text, invalid bytes replaced).")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (maxJobs < 1 || matchesPerJob < 1) {
            throw new Cinchlog.UsageException("--max-jobs and --matches must be at least 1");
        }
        JobFilter filter = JobFilter.all().repo(repo).branch(branch).status(parseStatus());
        if (since != null) {
            filter = filter.createdAfter(cli.clock.instant().minus(since));
        }
        SearchOptions options = SearchOptions.defaults().withFixedStrings(fixed).withIgnoreCase(ignoreCase);
        MetadataStore metadata = cli.metadata().store();
        LogStore store = cli.servedStore();
        OutputStream out = cli.out;
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode matchedJobs = mapper.createArrayNode();
        int searched = 0;
        int matched = 0;
        String cursor = null;
        do {
            Page<Job> page = metadata.listJobs(filter, cursor, PAGE);
            for (Job job : page.items()) {
                if (matched >= maxJobs) {
                    break;
                }
                List<SearchMatch> found;
                try (Stream<SearchMatch> lines = store.search(job.id(), pattern, options)) {
                    found = lines.limit(matchesPerJob).toList();
                } catch (LogNotFoundException e) {
                    continue; // a job that has not started (or whose log retention removed) has no log to search
                }
                searched++;
                if (found.isEmpty()) {
                    continue;
                }
                matched++;
                if (json) {
                    matchedJobs.add(toJson(mapper, job, found));
                } else {
                    for (SearchMatch m : found) {
                        out.write((job.id().value() + ":" + m.lineNumber() + ":").getBytes(StandardCharsets.UTF_8));
                        m.writeLineTo(out);
                        out.write('\n');
                    }
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null && matched < maxJobs);
        if (json) {
            ObjectNode root = mapper.createObjectNode();
            root.put("searchedLogs", searched);
            root.put("matchedJobs", matched);
            root.set("jobs", matchedJobs);
            out.write((mapper.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
        } else {
            cli.err.println(String.format(Locale.ROOT, "searched %d logs, %d jobs matched%s", searched, matched,
                    matched >= maxJobs ? " (stopped at --max-jobs " + maxJobs + ")" : ""));
        }
        out.flush();
        return matched > 0 ? 0 : GrepCommand.EXIT_NO_MATCH;
    }

    private JobStatus parseStatus() {
        if (status == null) {
            return null;
        }
        for (JobStatus s : JobStatus.values()) {
            if (s.wireName().equals(status.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new Cinchlog.UsageException("--status must be one of success, failure, error, cancelled, pending, running; got '"
                + status + "'");
    }

    private static ObjectNode toJson(ObjectMapper mapper, Job job, List<SearchMatch> found) {
        ObjectNode n = mapper.createObjectNode();
        n.put("job", job.id().value());
        n.put("repo", job.repoId());
        n.put("branch", job.branch());
        n.put("status", job.status().wireName());
        n.put("createdAt", job.createdAt().toString());
        ArrayNode matches = n.putArray("matches");
        Iterator<SearchMatch> it = found.iterator();
        while (it.hasNext()) {
            SearchMatch m = it.next();
            ObjectNode o = matches.addObject();
            o.put("line", m.lineNumber());
            o.put("offset", m.offset());
            o.put("text", new String(m.line(), StandardCharsets.UTF_8));
        }
        return n;
    }
}
