package dev.cinch.cli;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A small tmpfs mounted on a folder: a real filesystem that fills up. Mounting needs root (or CAP_SYS_ADMIN). When
 * it is not possible the test FAILS if the environment variable {@code CI} is set, and is skipped with the reason
 * otherwise.
 */
final class TmpfsMount implements AutoCloseable {
    private final Path dir;

    private TmpfsMount(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} (as mount writes it, e.g. {@code 2m}) on {@code dir}, creating the folder. */
    static TmpfsMount mount(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Outcome mounted = exec("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        if (mounted.code() != 0) {
            String reason = "cannot mount a " + size + " tmpfs on " + dir + " (needs root or CAP_SYS_ADMIN): " + mounted.describe();
            if (System.getenv("CI") != null) {
                fail(reason + "; CI is set, so the full-disk test must not be skipped");
            }
            Assumptions.abort(reason + "; skipping because CI is not set");
        }
        return new TmpfsMount(dir);
    }

    Path dir() {
        return dir;
    }

    /** Unmounts; a busy mount means something still holds a file there (a leak), which fails the test. */
    @Override
    public void close() throws IOException, InterruptedException {
        Outcome unmounted = exec("umount", dir.toString());
        if (unmounted.code() != 0) {
            exec("umount", "-l", dir.toString()); // detach it anyway, so the temp folder can be removed
            throw new AssertionError("umount " + dir + " failed, something still holds a file there: " + unmounted.describe());
        }
    }

    private record Outcome(int code, String output) {
        String describe() {
            return "exit code " + code + (output.isBlank() ? "" : ", " + output.strip());
        }
    }

    private static Outcome exec(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Outcome(-1, "cannot start " + command[0] + ": " + e.getMessage());
        }
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Outcome(-1, command[0] + " did not finish in 60 s");
        }
        return new Outcome(p.exitValue(), output);
    }
}
