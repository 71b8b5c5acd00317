package dev.cinch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where benchmarks put their data. Scratch data goes under {@code CINCH_BENCH_DIR} (default: the JVM's temp
 * folder), which must be a real disk for the fsync numbers to mean anything (not tmpfs). Built read-benchmark logs
 * are cached under {@code CINCH_BENCH_CACHE} (default {@code <temp>/cinch-bench-cache}) between trials and runs,
 * outside the project: they are made of corpus bytes, which never enter the project.
 */
public final class BenchDirs {
    private BenchDirs() {
    }

    public static Path scratchRoot() {
        return fromEnv("CINCH_BENCH_DIR", Path.of(System.getProperty("java.io.tmpdir")));
    }

    public static Path cacheRoot() {
        return fromEnv("CINCH_BENCH_CACHE", Path.of(System.getProperty("java.io.tmpdir"), "cinch-bench-cache"));
    }

    /** A fresh, empty scratch folder for one trial. */
    public static Path newScratch(String prefix) {
        try {
            Path root = scratchRoot();
            Files.createDirectories(root);
            return Files.createTempDirectory(root, "cinch-bench-" + prefix.replaceAll("[^A-Za-z0-9._-]", "_") + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code dir} and everything in it; files that vanish meanwhile are fine. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + dir, e);
        }
    }

    private static Path fromEnv(String name, Path fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Path.of(value);
    }
}
