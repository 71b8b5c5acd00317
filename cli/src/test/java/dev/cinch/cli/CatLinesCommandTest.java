package dev.cinch.cli;

import dev.cinch.logs.testkit.CiLogGenerator;
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
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cinchlog cat JOB --lines SPEC} against the real {@code sed -n} run as a process on the same bytes
 * ({@code LC_ALL=C}: bytes as bytes), on open and sealed logs.
 */
class CatLinesCommandTest extends InProcessCli {
    private int jobs;
    /** Comparisons in which sed printed something: the test must not pass on ranges that are all empty. */
    private int nonEmpty;

    /** The {@code sed} address for one of our specs: {@code A:B} is {@code A,B}, {@code A:} is {@code A,$}. */
    private static String sedAddress(String spec) {
        return spec.endsWith(":") ? spec.replace(":", ",$") : spec.replace(':', ',');
    }

    private void compareWithSed(String name, byte[] log, boolean seal, List<String> specs) throws Exception {
        String job = "lines-" + jobs++;
        Path file = storeWithPlainCopy(job, log, seal);
        Path sed = ExternalTools.require("sed", "apt-get install sed");
        for (String spec : specs) {
            List<String> reference = List.of("env", "LC_ALL=C", sed.toString(), "-n", sedAddress(spec) + "p",
                    file.toString());
            ExternalTools.Result expected = ExternalTools.run(reference);
            assertThat(expected.exitCode()).as("%s: %s", reference, expected.describe()).isZero();
            Result actual = run("cat", job, "--lines", spec);
            String what = name + (seal ? " (sealed)" : " (open)") + ": --lines " + spec;
            assertThat(actual.code()).as(what + ": exit code; stderr " + actual.err()).isZero();
            nonEmpty += expected.stdout().length > 0 ? 1 : 0;
            if (!Arrays.equals(actual.out(), expected.stdout())) {
                assertThat(new String(actual.out(), StandardCharsets.ISO_8859_1)).as(what)
                        .isEqualTo(new String(expected.stdout(), StandardCharsets.ISO_8859_1));
            }
        }
    }

    private static long lines(byte[] log) {
        long n = 0;
        for (byte b : log) {
            n += b == '\n' ? 1 : 0;
        }
        return n + (log.length > 0 && log[log.length - 1] != '\n' ? 1 : 0);
    }

    /** Fixed edge specs around the log's last line, then random ones. */
    private static List<String> specs(byte[] log, Random rnd, int random) {
        long n = lines(log);
        List<String> specs = new ArrayList<>(List.of("1", "1:1", "1:", "1:2", "2:1", "3:5", n + "", n + ":",
                n + ":" + (n + 5), (n + 1) + "", (n + 1) + ":", (n + 2) + ":" + (n + 9), "1:" + n,
                "1:" + Long.MAX_VALUE));
        for (int i = 0; i < random; i++) {
            long a = 1 + (long) rnd.nextInt((int) Math.min(Integer.MAX_VALUE - 2, n + 2));
            specs.add(switch (rnd.nextInt(4)) {
                case 0 -> a + "";
                case 1 -> a + ":";
                default -> a + ":" + Math.max(1, a + rnd.nextInt(rnd.nextBoolean() ? 20 : 5_000) - 3); // B < A too
            });
        }
        return specs;
    }

    @Test
    void printsWhatSedDashNPrintsOnGeneratedLogs() throws Exception {
        List<Corpus.Log> logs = new ArrayList<>(Corpus.generated());
        ByteArrayOutputStream crafted = new ByteArrayOutputStream();
        crafted.writeBytes(("\u001b[1;31merror:\u001b[0m compile failed\r\n[INFO] BUILD FAILURE\nprogress 10%\rprogress 100%\r\n"
                + "line with NUL \0 and bytes \u00ff\u00fe\n\n\n" + "x".repeat(300_000) + " a long line\n"
                + "tail line without a newline").getBytes(StandardCharsets.ISO_8859_1));
        logs.add(new Corpus.Log("crafted.log", crafted.toByteArray()));
        logs.add(new Corpus.Log("empty.log", new byte[0]));
        logs.add(new Corpus.Log("newlines.log", "\n\n\n".getBytes(StandardCharsets.US_ASCII)));
        logs.add(new Corpus.Log("big.log", CiLogGenerator.generate(21, 3_000_000))); // many archive frames
        Random rnd = new Random(3);
        for (int i = 0; i < logs.size(); i++) {
            byte[] log = logs.get(i).bytes();
            if (log.length == 0) {
                continue; // append stores nothing for empty input: covered by the store's contract
            }
            compareWithSed(logs.get(i).name(), log, i % 2 == 1, specs(log, rnd, 8));
            compareWithSed(logs.get(i).name(), log, i % 2 == 0, specs(log, rnd, 3));
        }
        assertThat(nonEmpty).as("comparisons with output").isGreaterThan(jobs * 8);
    }

    @Test
    void printsWhatSedDashNPrintsOnTheCorpus() throws Exception {
        // the real CI logs when CINCH_CORPUS_DIR names them (every log, open and sealed in turn); else the generated corpus
        List<Corpus.Log> logs = Corpus.load();
        Random rnd = new Random(8);
        for (int i = 0; i < logs.size(); i++) {
            compareWithSed(logs.get(i).name(), logs.get(i).bytes(), i % 2 == 0, specs(logs.get(i).bytes(), rnd, 6));
        }
        assertThat(nonEmpty).as("comparisons with output").isPositive();
    }

    @Test
    void invalidSpecsAreUsageErrorsNamingTheValue() {
        assertThat(run("a\nb\n".getBytes(StandardCharsets.US_ASCII), Map.of(), "append", "spec").code()).isZero();
        for (String bad : new String[] {"", ":", ":5", "0", "0:3", "3:0", "-1", "1:-2", "a:b", "1:2:3", "1,2", " 1",
                "99999999999999999999", "1:x", "+1"}) {
            Result r = run("cat", "spec", "--lines", bad);
            assertThat(r.code()).as("--lines '%s'", bad).isEqualTo(2);
            assertThat(r.err()).as("--lines '%s'", bad).contains("--lines").contains("'" + bad + "'");
            assertThat(r.out()).as("--lines '%s'", bad).isEmpty();
        }
        Result both = run("cat", "spec", "--lines", "1:2", "--tail-lines", "1");
        assertThat(both.code()).isEqualTo(2);
        Result missing = run("cat", "nobody", "--lines", "1:2");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("nobody");
        assertThat(run("cat", "spec", "--lines", "2:1").outText()).isEqualTo("b\n");
    }
}
