package dev.cinch.cli;

import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the real CLI in-process, against a real store in a fresh temp data dir per test. */
abstract class InProcessCli {
    @TempDir
    Path dir;

    record Result(int code, byte[] out, String err) {
        String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    Result run(byte[] stdin, Map<String, String> env, String... args) {
        Map<String, String> e = new HashMap<>(env);
        addDefaults(e);
        return runWithEnv(stdin, e, args);
    }

    /** Settings every {@link #run} gets unless the test sets them: the data dir. */
    void addDefaults(Map<String, String> env) {
        env.putIfAbsent("CINCH_DATA_DIR", dir.resolve("data").toString());
    }

    /** Runs with exactly {@code env} as the environment. */
    Result runWithEnv(byte[] stdin, Map<String, String> e, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Cinchlog cli = new Cinchlog(new ByteArrayInputStream(stdin), out, new PrintStream(err, true, StandardCharsets.UTF_8), e)) {
            int code = cli.execute(args);
            return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        }
    }

    Result run(String... args) {
        return run(new byte[0], Map.of(), args);
    }

    /**
     * Stores {@code log} as {@code job} through {@code cinchlog append} (in 4 KiB chunks, sealed when asked) and as a
     * plain file, for comparing a command with the Unix tool that reads the file; returns the file.
     */
    Path storeWithPlainCopy(String job, byte[] log, boolean seal) throws java.io.IOException {
        Path file = dir.resolve(job + ".log");
        java.nio.file.Files.write(file, log);
        Result appended = run(log, Map.of(), "append", job, "--chunk-size", "4096");
        org.assertj.core.api.Assertions.assertThat(appended.code()).as(appended.err()).isZero();
        if (seal) {
            org.assertj.core.api.Assertions.assertThat(run("seal", job).code()).isZero();
        }
        return file;
    }
}
