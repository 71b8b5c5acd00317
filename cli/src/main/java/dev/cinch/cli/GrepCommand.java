package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.text.SearchMatch;
import dev.cinch.logs.text.SearchOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code cinchlog grep}: the lines of a stored log that match, printed exactly as {@code grep -n} (with {@code -C N},
 * {@code grep -n -C N}) prints them for the same bytes, and grep's exit codes, so scripts can use either.
 */
@Command(name = "grep",
        description = {"Print the lines of JOB's log that match PATTERN, exactly as 'grep -n'",
            "prints them: 'N:line' for a match, 'N-line' for a context line, '--'",
            "between groups (with -C), lines as raw bytes.",
            "Exit status as grep's: 0 when a line matched, 1 when none did, 2 on an error."},
        footer = {"",
            "PATTERN is a Java regular expression (java.util.regex), which agrees with",
            "'grep -E' on the common forms: literals, . [] [^] ^ $ * + ? {n,m} | ( ),",
            "\\s \\S \\w \\W, back-references, and POSIX classes inside brackets such as",
            "[[:digit:]]. Differences:",
            "- Java only: \\d \\D, \\Q..\\E, lazy and possessive quantifiers, look-around,",
            "  inline flags such as (?i). grep -E only: \\< \\> (Java reads them as < and",
            "  >) and a '{' that does not start a repetition (Java refuses it).",
            "- The log is matched as bytes, as 'LC_ALL=C grep -a' does: . matches any",
            "  byte but \\n (\\r and NUL too), -i folds ASCII letters only, \\xhh is the",
            "  byte hh. \\b counts bytes that are Latin-1 letters (most of 0xC0-0xFF)",
            "  as word characters; grep under LC_ALL=C does not.",
            "- A non-ASCII character in PATTERN stands for its UTF-8 bytes (a quantifier",
            "  after it repeats the whole character); inside [...] it is refused: write",
            "  (ü|ö), not [üö]. Java reads arguments in the locale's charset: run with a",
            "  UTF-8 locale (LANG=C.UTF-8) for a non-ASCII PATTERN.",
            "- One pattern only: a newline in PATTERN is not a second pattern.",
            "A pattern whose backtracking explodes on a line, such as (.*a){20}$, stops",
            "with an error naming the line instead of running for hours. A line longer",
            "than 64 MiB cannot be searched. A PATTERN starting with '-' goes after",
            "'--': cinchlog grep JOB -- -x"})
final class GrepCommand implements Callable<Integer> {
    static final int EXIT_NO_MATCH = 1;
    /** As grep: an error is 2 whatever it was, so that 1 always means "no line matched". */
    static final int EXIT_TROUBLE = 2;
    private static final byte[] SEPARATOR = "--\n".getBytes(StandardCharsets.US_ASCII);

    @ParentCommand
    Cinchlog cli;

    @Parameters(index = "0", paramLabel = "JOB", converter = JobIdConverter.class, description = "The job whose log to search.")
    JobId job;

    @Parameters(index = "1", paramLabel = "PATTERN", description = "A regular expression, or with -F a literal text.")
    String pattern;

    @ArgGroup(exclusive = true)
    Dialect dialect;

    static final class Dialect {
        @Option(names = {"-E", "--extended-regexp"}, description = "PATTERN is a regular expression (the default).")
        boolean extended;

        @Option(names = {"-F", "--fixed-strings"}, description = "PATTERN is literal text.")
        boolean fixed;
    }

    @Option(names = {"-i", "--ignore-case"}, description = "ASCII letters match either case.")
    boolean ignoreCase;

    @Option(names = {"-C", "--context"}, paramLabel = "N", converter = NonNegativeIntConverter.class,
            description = "Print N lines before and after each match, and '--' between groups.")
    Integer context;

    @Option(names = "--ansi-aware", description = "Skip ANSI escape sequences (colours, cursor moves, titles) while "
            + "matching, so a match may span a colour change; lines are still printed as stored.")
    boolean ansiAware;

    @Override
    public Integer call() throws IOException {
        SearchOptions options = SearchOptions.defaults()
                .withFixedStrings(dialect != null && dialect.fixed)
                .withIgnoreCase(ignoreCase)
                .withAnsiAware(ansiAware)
                .withContext(context == null ? 0 : context);
        OutputStream out = cli.out;
        boolean matched = false;
        try (Stream<SearchMatch> lines = cli.servedStore().search(job, pattern, options)) {
            Iterator<SearchMatch> it = lines.iterator();
            while (it.hasNext()) {
                SearchMatch m = it.next();
                // grep prints the separator whenever context was asked for, even -C 0
                if (context != null && m.gapBefore()) {
                    out.write(SEPARATOR);
                }
                out.write(Long.toString(m.lineNumber()).getBytes(StandardCharsets.US_ASCII));
                out.write(m.match() ? ':' : '-');
                m.writeLineTo(out);
                out.write('\n');
                matched |= m.match();
            }
        }
        // Flushed here so a failed write is this command's error (exit 2), not mistaken for "no match".
        out.flush();
        return matched ? 0 : EXIT_NO_MATCH;
    }
}
