package dev.cinch.cli;

import dev.cinch.logs.testkit.Corpus;
import dev.cinch.logs.testkit.ExternalTools;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cinchlog grep} against the real {@code grep} run as a process on the same bytes ({@code LC_ALL=C grep -a}:
 * bytes as bytes, binary lines printed as text). Only patterns on which Java's regex dialect and {@code grep -E}
 * agree are compared; the differences are documented in the command's help.
 */
class GrepCommandTest extends InProcessCli {

    /** One comparison: options for both tools, then the pattern. */
    private record Query(List<String> options, String pattern) {
        static Query of(String pattern, String... options) {
            return new Query(List.of(options), pattern);
        }
    }

    /** Patterns for generated logs (the words CiLogGenerator writes) and for any CI log. */
    private static final List<Query> QUERIES = List.of(
            Query.of("error"),
            Query.of("warn", "-i"),
            Query.of("BUILD"),
            Query.of("[INFO]", "-F"),
            Query.of(".", "-F"),
            Query.of("FAILED|error:", "-C", "2"),
            Query.of("exception", "-i", "-C", "2"),
            Query.of("BUILD", "-C", "0"),
            Query.of("^\\s+at "),
            Query.of("test_[a-z_]+"),
            Query.of("Test[A-Z][A-Za-z]*"),
            Query.of("\\[step [0-9]+\\]"),
            Query.of("[0-9]+ ms\\)$"),
            Query.of("[[:digit:]]{4}-[[:digit:]]{2}-[[:digit:]]{2}"),
            Query.of("\r$"),
            Query.of("^$"),
            Query.of(".*error.*"),
            Query.of("no line says th1s"));

    private int jobs;
    /** Comparisons in which grep found something: the test must not pass on patterns that never match. */
    private int nonEmpty;

    /** Stores {@code log} as a job (sealed or not) and checks every query against grep; returns the job id. */
    private void compareWithGrep(String name, byte[] log, boolean seal, List<Query> queries) throws Exception {
        String job = "grep-" + jobs++;
        Path file = storeWithPlainCopy(job, log, seal);
        Path grep = ExternalTools.require("grep", "apt-get install grep");
        for (Query q : queries) {
            List<String> reference = new ArrayList<>(List.of("env", "LC_ALL=C", grep.toString(), "-a", "-n"));
            if (!q.options().contains("-F")) {
                reference.add("-E"); // cinchlog's default dialect is compared with grep's extended one
            }
            reference.addAll(q.options());
            reference.addAll(List.of("-e", q.pattern(), file.toString()));
            ExternalTools.Result expected = ExternalTools.run(reference);
            assertThat(expected.exitCode()).as("%s: %s", reference, expected.describe()).isIn(0, 1);

            List<String> ours = new ArrayList<>(List.of("grep"));
            ours.addAll(q.options());
            ours.addAll(List.of(job, q.pattern()));
            Result actual = run(ours.toArray(String[]::new));
            String what = name + (seal ? " (sealed)" : " (open)") + ": grep " + q.options() + " " + q.pattern();
            assertThat(actual.code()).as(what + ": exit code; stderr " + actual.err()).isEqualTo(expected.exitCode());
            nonEmpty += expected.exitCode() == 0 ? 1 : 0;
            if (!Arrays.equals(actual.out(), expected.stdout())) {
                assertThat(new String(actual.out(), StandardCharsets.ISO_8859_1)).as(what)
                        .isEqualTo(new String(expected.stdout(), StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    void printsWhatGrepDashNPrintsOnGeneratedCiLogs() throws Exception {
        List<Corpus.Log> logs = new ArrayList<>(Corpus.generated());
        ByteArrayOutputStream crafted = new ByteArrayOutputStream();
        crafted.writeBytes(("\u001b[1;31merror:\u001b[0m compile failed\r\n[INFO] BUILD FAILURE\nprogress 10%\rprogress 100%\r\n"
                + "line with NUL \0 and bytes \u00ff\u00fe\n\n\n" + "x".repeat(300_000) + " error in a long line\n"
                + "2026-11-30 tail line without a newline, ending in x").getBytes(StandardCharsets.ISO_8859_1));
        logs.add(new Corpus.Log("crafted.log", crafted.toByteArray()));
        for (int i = 0; i < logs.size(); i++) {
            compareWithGrep(logs.get(i).name(), logs.get(i).bytes(), i % 2 == 1, QUERIES);
        }
        assertThat(nonEmpty).as("comparisons with matches").isGreaterThan(logs.size() * QUERIES.size() / 3);
    }

    @Test
    void printsWhatGrepDashNPrintsOnTheCorpus() throws Exception {
        // the real CI logs when CINCH_CORPUS_DIR names them (every log, open and sealed in turn); else the generated corpus
        List<Corpus.Log> logs = Corpus.load();
        List<Query> queries = List.of(QUERIES.get(0), QUERIES.get(1), QUERIES.get(2), QUERIES.get(5), QUERIES.get(9),
                QUERIES.get(10), Query.of("warn", "-i", "-C", "1"), Query.of(".*error.*"));
        for (int i = 0; i < logs.size(); i++) {
            compareWithGrep(logs.get(i).name(), logs.get(i).bytes(), i % 2 == 0, queries);
        }
        assertThat(nonEmpty).as("comparisons with matches").isPositive();
    }

    @Test
    void ansiAwareMatchesAcrossAColourChange() {
        byte[] log = "\u001b[31merror:\u001b[0m \u001b[1mdisk\u001b[0m full\nerror: disk ok\n".getBytes(StandardCharsets.UTF_8);
        assertThat(run(log, Map.of(), "append", "colours").code()).isZero();
        assertThat(run("grep", "colours", "error: disk full").code()).isEqualTo(1);
        Result r = run("grep", "--ansi-aware", "colours", "error: disk full");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(("1:\u001b[31merror:\u001b[0m \u001b[1mdisk\u001b[0m full\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void nonAsciiPatternsMatchUtf8Text() {
        byte[] log = "Größe → 3\nGROSSE\n".getBytes(StandardCharsets.UTF_8);
        assertThat(run(log, Map.of(), "append", "utf8").code()).isZero();
        assertThat(run("grep", "-F", "utf8", "→").out()).isEqualTo("1:Größe → 3\n".getBytes(StandardCharsets.UTF_8));
        assertThat(run("grep", "utf8", "ö").out()).isEqualTo("1:Größe → 3\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void errorsExitTwoAsGrepDoes() {
        assertThat(run("x\n".getBytes(StandardCharsets.US_ASCII), Map.of(), "append", "errs").code()).isZero();
        Result bad = run("grep", "errs", "a(b");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("cinchlog: job errs: invalid search pattern 'a(b': Unclosed group");
        Result missing = run("grep", "nobody", "x");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nobody");
        Result both = run("grep", "-E", "-F", "errs", "x");
        assertThat(both.code()).isEqualTo(2);
        assertThat(run("grep", "-C", "-1", "errs", "x").code()).isEqualTo(2);
        Result costly = run(("a".repeat(40) + "b\n").getBytes(StandardCharsets.US_ASCII), Map.of(), "append", "costly");
        assertThat(costly.code()).isZero();
        Result stopped = run("grep", "costly", "(.*a){20}$");
        assertThat(stopped.code()).isEqualTo(2);
        assertThat(stopped.err()).contains("line 1").contains("steps");
        assertThat(run("grep", "errs", "x").code()).isZero();
        assertThat(run("grep", "errs", "y").code()).isEqualTo(1);
        assertThat(run("grep", "errs", "--", "-y").code()).isEqualTo(1);
    }

    @Test
    void helpNamesTheDialectDifferences() {
        Result help = run("grep", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.outText()).contains("grep -E").contains("\\< \\>").contains("-F").contains("--ansi-aware")
                .contains("Exit status");
    }
}
