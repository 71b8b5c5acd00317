package dev.cinch.cli;

import dev.cinch.logs.testkit.LogReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writers of one log in several processes, empty input, and exports of damaged archives: the CLI never loses data
 * to a concurrent appender and never reports a broken export as success.
 */
class ConcurrentWritersTest {
    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(p -> p.toHandle().destroyForcibly());
    }

    record Result(int code, byte[] out, String err) {
    }

    Result cli(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Cinchlog cli = new Cinchlog(new ByteArrayInputStream(stdin), out, new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("CINCH_DATA_DIR", dir.resolve("data").toString()))) {
            int code = cli.execute(args);
            return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        }
    }

    /** {@code cinchlog append JOB} in its own JVM; its stdin stays open until the test closes it. */
    Process appendProcess(String job) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", ChildJvm.classPath(),
                Cinchlog.class.getName(), "--data-dir", dir.resolve("data").toString(), "append", job, "--chunk-size", "10");
        Process p = new ProcessBuilder(cmd).start();
        children.add(p);
        return p;
    }


    @Test
    @Timeout(120)
    void aSecondAppendFailsBeforeReadingItsInputWhileTheFirstHoldsTheLog() throws Exception {
        Process first = appendProcess("shared");
        OutputStream firstIn = first.getOutputStream();
        firstIn.write("first writer, line 1\n".getBytes(StandardCharsets.UTF_8));
        firstIn.flush();
        // Wait until the first process holds the log (it has stored its first chunk).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (cli(new byte[0], "stat", "shared").code() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Process second = appendProcess("shared");
        OutputStream secondIn = second.getOutputStream();
        secondIn.write("second writer, never stored\n".getBytes(StandardCharsets.UTF_8));
        secondIn.flush(); // and its stdin stays open: it must fail without waiting for, or reading, the rest
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the second append gives up at once").isTrue();
        assertThat(second.exitValue()).isEqualTo(1);
        String err = new String(second.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(err).startsWith("cinchlog: job shared: ").contains("being written by another process");
        firstIn.write("first writer, line 2\n".getBytes(StandardCharsets.UTF_8));
        firstIn.close();
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).as(new String(first.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        assertThat(new String(cli(new byte[0], "cat", "shared").out(), StandardCharsets.UTF_8))
                .isEqualTo("first writer, line 1\nfirst writer, line 2\n");
        // Once the first is done, the second may try again, and lands after it.
        assertThat(cli("second\n".getBytes(StandardCharsets.UTF_8), "append", "shared").code()).isZero();
        assertThat(new String(cli(new byte[0], "cat", "shared").out(), StandardCharsets.UTF_8))
                .isEqualTo("first writer, line 1\nfirst writer, line 2\nsecond\n");
    }

    @Test
    void emptyInputLeavesAnEmptyLog() {
        assertThat(cli(new byte[0], "append", "quiet").code()).isZero();
        Result cat = cli(new byte[0], "cat", "quiet");
        assertThat(cat.code()).as(cat.err()).isZero();
        assertThat(cat.out()).isEmpty();
        assertThat(cli(new byte[0], "stat", "quiet").code()).isZero();
        assertThat(cli(new byte[0], "cat", "quiet", "--tail-lines", "3").out()).isEmpty();
    }

    @Test
    void exportOfADamagedArchiveFailsNamingTheOffsetAndWritesNothing() throws Exception {
        byte[] log = dev.cinch.logs.testkit.CiLogGenerator.generate(5, 600_000);
        assertThat(cli(log, "append", "to-damage", "--chunk-size", "4096").code()).isZero();
        assertThat(cli(new byte[0], "seal", "to-damage").code()).isZero();
        Path archive;
        try (Stream<Path> files = Files.walk(dir.resolve("data/logs"))) {
            archive = files.filter(p -> p.getFileName().toString().equals("sealed.zst")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(archive);
        bytes[bytes.length / 3] ^= 0x40; // inside a data frame: the structure still opens, a frame fails its checksum
        Files.write(archive, bytes);
        Path target = dir.resolve("out.zst");
        Result export = cli(new byte[0], "export", "to-damage", "-o", target.toString());
        assertThat(export.code()).isEqualTo(1);
        assertThat(export.err()).startsWith("cinchlog: job to-damage: ").contains("archive byte");
        assertThat(target).doesNotExist();
        try (Stream<Path> leftovers = Files.list(dir)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsOnly("data");
        }
        assertThat(LogReference.tail(log, 1)).isNotEmpty(); // the log itself was real output
    }
}
