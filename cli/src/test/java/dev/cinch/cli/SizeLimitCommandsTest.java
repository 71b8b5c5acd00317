package dev.cinch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run}/{@code append --keep-head --keep-tail} and the {@code limits.*} config keys: the stored log keeps the
 * head, one marker line and the tail; {@code stat}, {@code ls} and {@code delete} see the job as one log.
 */
class SizeLimitCommandsTest extends InProcessCli {
    private static byte[] lines(int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            b.append(String.format("line %05d of the build output\n", i)); // 29 bytes a line
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void appendWithFlagsKeepsHeadMarkerAndTailAndStatReportsWhatWasDropped() throws Exception {
        byte[] input = lines(0, 10_000); // 290,000 bytes
        Result r = run(input, Map.of(), "append", "--chunk-size", "1000", "--keep-head", "2KiB", "--keep-tail", "1KiB", "j1");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode open = new ObjectMapper().readTree(run("stat", "--json", "--no-verify", "j1").out());
        assertThat(open.get("status").asText()).isEqualTo("open");
        assertThat(open.get("rawBytes").asLong()).isEqualTo(2048);
        assertThat(open.get("receivedBytes").asLong()).isEqualTo(input.length);
        assertThat(run("seal", "j1").code()).isZero();

        String stored = run("cat", "j1").outText();
        int dropped = input.length - 2048 - 1024;
        long lines = 0;
        for (int i = 2048; i < input.length - 1024; i++) {
            lines += input[i] == '\n' ? 1 : 0;
        }
        String text = new String(input, StandardCharsets.UTF_8);
        assertThat(stored).isEqualTo(text.substring(0, 2048) + "\n[cinch: " + dropped + " bytes in " + lines
                + " lines dropped here by the size limit (keep-head 2 KiB, keep-tail 1 KiB)]\n"
                + text.substring(text.length() - 1024));
        JsonNode stat = new ObjectMapper().readTree(run("stat", "--json", "j1").out());
        assertThat(stat.get("status").asText()).startsWith("truncated");
        assertThat(stat.get("receivedBytes").asLong()).isEqualTo(input.length);
        assertThat(stat.get("elided").get("offset").asLong()).isEqualTo(2048);
        assertThat(stat.get("elided").get("length").asLong()).isEqualTo(dropped);
        assertThat(stat.get("elided").get("lines").asLong()).isEqualTo(lines);
        assertThat(run("stat", "j1").outText()).contains("truncated: cinch: " + dropped + " bytes");

        Result ls = run("ls");
        assertThat(ls.outText()).contains("j1").doesNotContain("_cinch_");
    }

    @Test
    void runTakesItsDefaultsFromTheEnvironmentAndFlagsWin() {
        Map<String, String> env = Map.of("CINCH_LIMITS_KEEP_HEAD", "1KiB", "CINCH_LIMITS_KEEP_TAIL", "1KiB");
        Result r = run(new byte[0], env, "run", "--job", "r1", "--", "sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo \"row $i\"; i=$((i+1)); done");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.outText()).contains("row 1000\n"); // the terminal gets everything
        String stored = run("cat", "r1").outText();
        assertThat(stored).startsWith("row 0\n").endsWith("row 1999\n").doesNotContain("row 1000\n")
                .contains("lines dropped here by the size limit (keep-head 1 KiB, keep-tail 1 KiB)]\n");

        Result wide = run(new byte[0], env, "run", "--job", "r2", "--keep-tail", "0", "--keep-head", "64KiB", "--", "sh", "-c", "seq 1 3000");
        assertThat(wide.code()).as(wide.err()).isZero();
        assertThat(run("cat", "r2").outText()).startsWith("1\n2\n").endsWith("3000\n").doesNotContain("[cinch:");
    }

    @Test
    void badSizesAreUsageErrors() {
        Result tiny = run(new byte[0], Map.of(), "append", "--keep-head", "12", "j");
        assertThat(tiny.code()).isEqualTo(2);
        assertThat(tiny.err()).contains("--keep-head").contains("at least 1KiB");
        Result word = run(new byte[0], Map.of(), "append", "--keep-tail", "lots", "j");
        assertThat(word.code()).isEqualTo(2);
        assertThat(word.err()).contains("must be a size such as");
        Result config = run(new byte[0], Map.of("CINCH_LIMITS_KEEP_TAIL", "100"), "append", "j");
        assertThat(config.code()).isNotZero();
        assertThat(config.err()).contains("limits.keep-tail");
    }

    @Test
    void secretsAreMaskedInTheHeadAndInTheKeptTail() {
        String token = "tok_Zq8vN3xLp7RkW2mY";
        String script = "echo 'first " + token + "'; i=0; while [ $i -lt 3000 ]; do echo \"row $i\"; i=$((i+1)); done;"
                + " echo 'last " + token + "'";
        Result r = run(new byte[0], Map.of("DEPLOY_TOKEN", token), "run", "--job", "m1", "--secret-env", "DEPLOY_TOKEN",
                "--keep-head", "1KiB", "--keep-tail", "1KiB", "--", "sh", "-c", script);
        assertThat(r.code()).as(r.err()).isZero();
        String stored = run("cat", "m1").outText();
        assertThat(stored).doesNotContain(token).startsWith("first ********************\n")
                .endsWith("row 2999\nlast ********************\n").contains("lines dropped here by the size limit");
    }
}
