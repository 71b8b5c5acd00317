package dev.cinch.cli;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cinchlog run --secret-env}: the values are masked in the stored log, never printed by cinchlog. */
class RunSecretsTest extends InProcessCli {
    private static final String TOKEN = "tok_9fQ2mX7vLp3RzW8k";

    @Test
    void secretEnvValuesAreMaskedInTheStoredLogRawAndEncoded() {
        String b64 = Base64.getEncoder().encodeToString(("user:" + TOKEN).getBytes());
        String script = "echo 'cloning with " + TOKEN + "'; echo 'Authorization: Basic " + b64 + "'; echo done";
        Result r = run(new byte[0], Map.of("DEPLOY_TOKEN", TOKEN, "SHORT", "abc"), "run", "--job", "masked",
                "--secret-env", "DEPLOY_TOKEN", "--secret-env", "SHORT", "--", "sh", "-c", script);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain(TOKEN).contains("--secret-env SHORT: shorter than 6 bytes");
        // The terminal gets CMD's output as it is: masking is about what is kept and served.
        assertThat(r.outText()).contains(TOKEN);
        String stored = run("cat", "masked").outText();
        assertThat(stored).doesNotContain(TOKEN).doesNotContain(b64.substring(8, 24))
                .startsWith("cloning with ********************\n").endsWith("done\n");
        assertThat(stored).hasSameSizeAs(r.outText());
    }

    @Test
    void anUnsetVariableIsAUsageErrorAndNothingRuns() {
        Result r = run(new byte[0], Map.of(), "run", "--job", "unset", "--secret-env", "NOPE", "--", "sh", "-c", "echo ran");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--secret-env NOPE: the variable is not set");
        assertThat(r.outText()).doesNotContain("ran");
    }
}
