package dev.cinch.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bad option value of every command is a usage error: exit 2, one {@code cinchlog: ...} line naming the
 * option (picocli may add a "Try '... --help'." hint), nothing on stdout, and nothing opened: neither the log store
 * nor the metadata database (both would create the data dir).
 */
class BadOptionValuesTest {
    /** A folder that exists, for {@code export -o DIR}; {@link #dir}-relative paths are filled in per test. */
    private static final String EXISTING_DIR = "@existing-dir";

    @TempDir
    Path dir;

    static Stream<Arguments> badValues() {
        String longPrefix = "p".repeat(129);
        return Stream.of(
                bad("--offset", "cat", "j", "--offset", "-1"),
                bad("--offset", "cat", "j", "--offset", "ten"),
                bad("--length", "cat", "j", "--offset", "0", "--length", "-1"),
                bad("--tail-lines", "cat", "j", "--tail-lines", "-3"),
                bad("--tail-lines", "cat", "j", "--tail-lines", "3000000000"),
                bad("--lines", "cat", "j", "--lines", "0:3"),
                bad("--lines", "cat", "j", "--lines", "a:b"),
                bad("--lines", "cat", "j", "--lines", ":"),
                bad("--from-seq", "cat", "j", "--from-seq", "-1"),
                bad("--from-seq", "follow", "j", "--from-seq", "-1"),
                bad("--from-seq", "follow", "j", "--from-seq", "x"),
                bad("--prefix", "ls", "--prefix", "../"),
                bad("--prefix", "ls", "--prefix", "a b"),
                bad("--prefix", "ls", "--prefix", longPrefix),
                bad("--chunk-size", "append", "j", "--chunk-size", "0"),
                bad("--chunk-size", "append", "j", "--chunk-size", "-5"),
                bad("--chunk-size", "append", "j", "--chunk-size", "8388609"),
                bad("--stream", "append", "j", "--stream", "stdin"),
                bad("--chunk-size", "run", "--chunk-size", "0", "--", "true"),
                bad("--chunk-size", "run", "--chunk-size", "99999999999", "--", "true"),
                bad("--job", "run", "--job", "a/b", "--", "true"),
                bad("CMD", "run"),
                bad("invalid job id", "stat", "../x"),
                bad("invalid job id", "seal", ".."),
                bad("--output", "export", "j", "-o", ""),
                bad("--output", "export", "j", "-o", EXISTING_DIR),
                bad("--type", "token", "create", "--name", "x", "--type", "root"),
                bad("--name", "token", "create", "--name", "", "--type", "admin"),
                bad("--scope", "token", "create", "--name", "x", "--type", "admin", "--scope", ""),
                bad("--worker", "token", "create", "--name", "x", "--type", "worker", "--worker", " "),
                bad("--expires-in", "token", "create", "--name", "x", "--type", "admin", "--expires-in", "soon"),
                bad("--expires-in", "token", "create", "--name", "x", "--type", "admin", "--expires-in", "0s"),
                bad("--expires-in", "token", "create", "--name", "x", "--type", "admin", "--expires-in", "36501d"),
                bad("ID", "token", "revoke", ""),
                bad("ID", "token", "revoke", "../tok_x"),
                bad("ID", "token", "revoke", "tok_short"),
                bad("--retention", "cleanup", "--retention", "forever"),
                bad("--retention", "cleanup", "--retention", "99999999999d"),
                bad("--store", "--store", "", "ls"),
                bad("--data-dir", "--data-dir", "", "ls"),
                bad("--config", "--config", "", "ls"));
    }

    private static Arguments bad(String named, String... args) {
        return Arguments.of(named, List.of(args));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badValues")
    void isAUsageErrorThatOpensNothing(String named, List<String> args) throws Exception {
        Files.createDirectories(dir.resolve("existing-dir"));
        String[] argv = args.stream().map(a -> a.equals(EXISTING_DIR) ? dir.resolve("existing-dir").toString() : a).toArray(String[]::new);
        Path data = dir.resolve("data");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (Cinchlog cli = new Cinchlog(new ByteArrayInputStream("stdin".getBytes(StandardCharsets.UTF_8)), out,
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("CINCH_DATA_DIR", data.toString()))) {
            code = cli.execute(argv);
        }
        String stderr = err.toString(StandardCharsets.UTF_8);

        assertThat(code).as("exit code; stderr: %s", stderr).isEqualTo(Cinchlog.EXIT_USAGE);
        assertThat(out.size()).as("stdout").isZero();
        List<String> lines = stderr.lines().filter(l -> !l.startsWith("Try 'cinchlog")).toList();
        assertThat(lines).as("stderr: %s", stderr).hasSize(1);
        assertThat(lines.get(0)).startsWith("cinchlog: ").contains(named);
        assertThat(data).as("nothing was opened before the value was checked").doesNotExist();
    }
}
