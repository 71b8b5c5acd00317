package dev.cinch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run} as a user runs it: {@code cinchlog} in its own JVM, so that signals and a closed stdout act on a real
 * process. The log is then read in-process from the same data dir.
 */
class RunInChildJvmTest {
    private static final long TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    record Result(int code, byte[] out, String err) {
        String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    /** Reads the log back through the CLI in this JVM. */
    Result inProcess(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Cinchlog cli = new Cinchlog(new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("CINCH_DATA_DIR", dir.resolve("data").toString()))) {
            int code = cli.execute(args);
            return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * Starts {@code cinchlog run --job JOB -- sh -c SCRIPT} in a child JVM. SIGINT is reset to its default first: a
     * JVM that inherits SIGINT as ignored (as background jobs of a script do) never sees Ctrl-C.
     */
    Process startRun(String job, String script) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", ChildJvm.classPath(), Cinchlog.class.getName(),
                "--data-dir", dir.resolve("data").toString(), "run", "--job", job, "--", "sh", "-c", script));
        return new ProcessBuilder(cmd).start();
    }


    @Test
    void ctrlCStillStoresTheLastOutputAndSealsTheLog() throws Exception {
        // The command says it started, then on SIGINT prints a last line and exits 130, as a build tool would.
        Process run = startRun("ctrl-c", "trap 'echo interrupted; exit 130' INT; echo started; while :; do sleep 0.1; done");
        CompletableFuture<String> stderr = readAsync(run.getErrorStream());
        InputStream stdout = run.getInputStream();
        String first = CompletableFuture.supplyAsync(() -> readLine(stdout)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(first).isEqualTo("started");

        // Ctrl-C: the terminal sends SIGINT to the whole foreground process group, cinchlog and the command alike.
        // (Its short-lived 'sleep' is left out: it may be gone by the time kill runs; the shell's trap still fires.)
        List<String> kill = new ArrayList<>(List.of("kill", "-INT", String.valueOf(run.pid())));
        run.children().forEach(p -> kill.add(String.valueOf(p.pid())));
        assertThat(kill).as("cinchlog and its command").hasSize(4);
        assertThat(new ProcessBuilder(kill).inheritIO().start().waitFor()).isZero();

        String rest = CompletableFuture.supplyAsync(() -> readAll(stdout)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(run.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("cinchlog exits").isTrue();
        String err = stderr.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(rest).as("the command's last output reached the terminal").isEqualTo("interrupted\n");
        assertThat(run.exitValue()).as("the JVM's exit code after SIGINT; stderr: %s", err).isEqualTo(130);
        assertThat(err).doesNotContain("cinchlog: ");

        // The shutdown hook held the JVM until the last output was stored and the log sealed.
        JsonNode stat = new ObjectMapper().readTree(inProcess("stat", "--json", "ctrl-c").out());
        assertThat(stat.get("sealed").asBoolean()).as("sealed after Ctrl-C").isTrue();
        assertThat(inProcess("cat", "ctrl-c").outText()).isEqualTo("started\ninterrupted\n");
    }

    @Test
    void aClosedStdoutStopsThePassThroughButNotTheLog() throws Exception {
        Process run = startRun("closed-stdout", "i=0; while [ $i -lt 20000 ]; do echo \"line $i\"; i=$((i+1)); done");
        // Like 'cinchlog run ... | head -0': nobody reads stdout any more.
        run.getInputStream().close();
        CompletableFuture<String> stderr = readAsync(run.getErrorStream());
        assertThat(run.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("cinchlog exits").isTrue();
        String err = stderr.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat(run.exitValue()).as("the command succeeded, passing it through did not; stderr: %s", err).isEqualTo(1);
        List<String> reports = err.lines().filter(l -> l.startsWith("cinchlog: ")).toList();
        assertThat(reports).as("stderr: %s", err).hasSize(1);
        assertThat(reports.get(0)).startsWith("cinchlog: job closed-stdout: passing the command's stdout through stopped: "
                + "writing it to the terminal failed: ");

        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            expected.append("line ").append(i).append('\n');
        }
        assertThat(inProcess("cat", "closed-stdout").outText()).as("the log got everything").isEqualTo(expected.toString());
        assertThat(new ObjectMapper().readTree(inProcess("stat", "--json", "closed-stdout").out()).get("sealed").asBoolean()).isTrue();
    }

    private static CompletableFuture<String> readAsync(InputStream in) {
        return CompletableFuture.supplyAsync(() -> readAll(in));
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One line without its newline, read byte by byte so nothing after it is consumed. */
    private static String readLine(InputStream in) {
        try {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.write(b);
            }
            return line.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
