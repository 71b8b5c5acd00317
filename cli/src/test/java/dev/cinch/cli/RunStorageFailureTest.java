package dev.cinch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run} on a filesystem that fills up: the log store's root is a 2 MiB tmpfs, the command prints 4 MiB. The
 * data dir (and the SQLite metadata database in it) stays on the ordinary disk. The command's output must reach the
 * terminal byte for byte, the failure must be reported once, and the exit code must be the documented one.
 */
class RunStorageFailureTest {
    private static final int OUTPUT_BYTES = 4 << 20;
    private static final Pattern STORED = Pattern.compile("the log holds the (\\d+) bytes stored before that");

    @TempDir
    Path dir;

    private TmpfsMount logs;
    private byte[] stdoutBytes;
    private byte[] stderrBytes;

    record Result(int code, byte[] out, byte[] err) {
    }

    @BeforeEach
    void fillableStoreAndOutput() throws Exception {
        logs = TmpfsMount.mount(dir.resolve("logs"), "2m");
        // Random bytes: incompressible, so they cannot fit, and binary, so the pass-through is checked byte for byte.
        Random random = new Random(7);
        stdoutBytes = new byte[OUTPUT_BYTES];
        random.nextBytes(stdoutBytes);
        stderrBytes = new byte[256 << 10];
        random.nextBytes(stderrBytes);
        Files.write(dir.resolve("out.bin"), stdoutBytes);
        Files.write(dir.resolve("err.bin"), stderrBytes);
        // Migrated up front, so the run's stderr holds only 'job <id>', the command's stderr and the report.
        assertThat(cinchlog("migrate").code()).isZero();
    }

    @AfterEach
    void unmount() throws Exception {
        if (logs != null) {
            logs.close();
        }
    }

    Result cinchlog(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("CINCH_DATA_DIR", dir.resolve("data").toString(), "CINCH_FS_ROOT", logs.dir().toString());
        try (Cinchlog cli = new Cinchlog(new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, StandardCharsets.UTF_8), env)) {
            int code = cli.execute(args);
            return new Result(code, out.toByteArray(), err.toByteArray());
        }
    }

    @Test
    void aSucceedingCommandKeepsItsOutputAndRunExitsThree() throws Exception {
        Result r = cinchlog("run", "--job", "full-ok", "--", "sh", "-c",
                "cat '" + dir.resolve("out.bin") + "'; cat '" + dir.resolve("err.bin") + "' >&2; exit 0");

        assertThat(r.code()).as("exit code when the command succeeded but storing failed").isEqualTo(Cinchlog.EXIT_STORAGE_FAILED);
        assertThat(r.out()).as("the terminal's stdout got every byte").isEqualTo(stdoutBytes);
        String report = reportAfter(r.err(), "full-ok", stderrBytes);
        assertThat(report).startsWith("cinchlog: job full-ok: storing the command's output failed: ")
                .contains("No space left on device").contains("the terminal got all of the output");

        long stored = storedBytes(report);
        assertThat(stored).isPositive().isLessThan(OUTPUT_BYTES);
        // The log is exactly the output that was stored before the failure: a prefix, no hole.
        assertThat(cinchlog("cat", "full-ok").out()).isEqualTo(Arrays.copyOf(stdoutBytes, (int) stored));
        JsonNode stat = new ObjectMapper().readTree(cinchlog("stat", "--json", "full-ok").out());
        assertThat(stat.get("rawBytes").asLong()).isEqualTo(stored);
        // The seal was tried; on the full tmpfs it fails too, and the report says which happened.
        assertThat(report).contains(stat.get("sealed").asBoolean() ? "and is sealed" : "and stays open: sealing it failed too: ");
    }

    @Test
    void aFailingCommandKeepsItsOwnExitCode() throws Exception {
        Result r = cinchlog("run", "--job", "full-failed", "--", "sh", "-c",
                "cat '" + dir.resolve("out.bin") + "'; cat '" + dir.resolve("err.bin") + "' >&2; exit 5");

        assertThat(r.code()).as("the command's own exit code").isEqualTo(5);
        assertThat(r.out()).isEqualTo(stdoutBytes);
        String report = reportAfter(r.err(), "full-failed", stderrBytes);
        assertThat(report).startsWith("cinchlog: job full-failed: storing the command's output failed: ")
                .contains("No space left on device");
        long stored = storedBytes(report);
        assertThat(cinchlog("cat", "full-failed").out()).isEqualTo(Arrays.copyOf(stdoutBytes, (int) stored));
    }

    /**
     * Checks that stderr is exactly {@code job <id>}, then the command's stderr byte for byte, then one report line,
     * and returns that line.
     */
    private static String reportAfter(byte[] err, String job, byte[] commandStderr) {
        byte[] head = ("job " + job + "\n").getBytes(StandardCharsets.UTF_8);
        assertThat(err.length).as("stderr length").isGreaterThan(head.length + commandStderr.length);
        assertThat(Arrays.copyOfRange(err, 0, head.length)).as("stderr starts with the job line").isEqualTo(head);
        assertThat(Arrays.copyOfRange(err, head.length, head.length + commandStderr.length))
                .as("the terminal's stderr got every byte of the command's stderr").isEqualTo(commandStderr);
        String rest = new String(err, head.length + commandStderr.length, err.length - head.length - commandStderr.length,
                StandardCharsets.UTF_8);
        assertThat(rest).as("one report line after the command's output").endsWith("\n");
        assertThat(rest.lines().count()).as("report lines in: %s", rest).isEqualTo(1);
        return rest.strip();
    }

    private static long storedBytes(String report) {
        Matcher m = STORED.matcher(report);
        assertThat(m.find()).as("the report says how much was stored: %s", report).isTrue();
        return Long.parseLong(m.group(1));
    }
}
