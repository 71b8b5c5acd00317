package dev.cinch.logs.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs external commands (the {@code zstd} and {@code tail} commands) in interop tests.
 *
 * <p>The rule for a missing tool: when the environment variable {@code CI} is set, the test FAILS (a build
 * machine must have it; a skip there would hide a broken interop); otherwise the test is skipped through
 * {@link Assumptions} with a message saying which tool is missing and how to get it.
 */
public final class ExternalTools {
    private static final long TIMEOUT_SECONDS = 120;

    private ExternalTools() {
    }

    /** The result of a finished command. */
    public record Result(int exitCode, byte[] stdout, String stderr) {
        public String describe() {
            return "exit code " + exitCode + ", stderr: " + stderr.strip();
        }
    }

    /**
     * The path of {@code tool} on {@code PATH}; fails (with {@code CI} set) or skips (without) when it is absent.
     *
     * @param installHint how to install it, shown in the message (e.g. "apt-get install zstd")
     */
    public static Path require(String tool, String installHint) {
        return require(tool, installHint, System.getenv());
    }

    /** {@link #require(String, String)} against an explicit environment, so both outcomes can be tested. */
    static Path require(String tool, String installHint, Map<String, String> env) {
        Optional<Path> found = find(tool, env.get("PATH"));
        if (found.isPresent()) {
            return found.get();
        }
        String message = "external tool '" + tool + "' is not on PATH (install: " + installHint + ")";
        if (env.get("CI") != null) {
            fail(message + "; CI is set, so this interop test must not be skipped");
        }
        Assumptions.abort(message + "; skipping because CI is not set");
        throw new AssertionError("unreachable");
    }

    /** Looks {@code tool} up on {@code PATH}. */
    public static Optional<Path> find(String tool) {
        return find(tool, System.getenv("PATH"));
    }

    private static Optional<Path> find(String tool, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, tool);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs {@code command} with no stdin, capturing stdout as bytes and stderr as text, and waits up to two
     * minutes for it to end.
     */
    public static Result run(List<String> command) throws IOException, InterruptedException {
        Path stderrFile = Files.createTempFile("tool-stderr", ".txt");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(stderrFile.toFile())
                    .start();
            byte[] stdout;
            try (InputStream in = process.getInputStream()) {
                stdout = in.readAllBytes();
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(command + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), stdout, Files.readString(stderrFile, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stderrFile);
        }
    }
}
