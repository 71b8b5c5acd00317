package dev.cinch.logs.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Build logs for tests and benchmarks.
 *
 * <p>When {@value #ENV} names a folder, its {@code *.log} files are the corpus (real CI logs kept outside the
 * project); a set but missing or empty folder is an error, so a broken CI setup cannot silently fall back. When the
 * variable is unset, a deterministic CI-like corpus is generated (ANSI colours, {@code \r} progress bars, CRLF,
 * timestamps, repetition, a 1 MiB line, NUL and invalid UTF-8), so a fresh clone runs the same tests.
 */
public final class Corpus {
    public static final String ENV = "CINCH_CORPUS_DIR";

    /** One log of the corpus. */
    public record Log(String name, byte[] bytes) {
        @Override
        public String toString() {
            return name + " (" + bytes.length + " bytes)";
        }
    }

    private Corpus() {
    }

    /** The corpus this run uses (real when {@value #ENV} is set, generated otherwise). */
    public static List<Log> load() {
        String dir = System.getenv(ENV);
        return dir == null || dir.isBlank() ? generated() : fromFolder(Path.of(dir));
    }

    /** True when the corpus comes from real logs. */
    public static boolean isReal() {
        String dir = System.getenv(ENV);
        return dir != null && !dir.isBlank();
    }

    public static List<Log> fromFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(ENV + " is set to " + dir + " but that folder does not exist");
        }
        List<Log> logs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
                logs.add(new Log(p.getFileName().toString(), Files.readAllBytes(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading corpus " + dir, e);
        }
        if (logs.isEmpty()) {
            throw new IllegalStateException(ENV + " is set to " + dir + " but it holds no *.log files");
        }
        return logs;
    }

    /** The generated CI-like corpus: same content on every run. */
    public static List<Log> generated() {
        return List.of(
                new Log("gen-build-1.log", CiLogGenerator.generate(1, 600_000)),
                new Log("gen-build-2.log", CiLogGenerator.generate(2, 200_000)),
                new Log("gen-build-3.log", CiLogGenerator.generate(3, 300_000)),
                new Log("gen-long-line.log", longLineLog(new Random(4))),
                new Log("gen-binary-junk.log", junkLog(new Random(5))),
                new Log("gen-tiny.log", "ok\n".getBytes(StandardCharsets.US_ASCII)),
                new Log("gen-no-final-newline.log", "line one\nline two\r\nlast line without newline".getBytes(StandardCharsets.US_ASCII)));
    }

    static byte[] longLineLog(Random rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] head = CiLogGenerator.generate(rnd.nextLong(), 20_000);
        out.write(head, 0, head.length);
        byte[] line = new byte[1 << 20];
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=;{}()";
        for (int i = 0; i < line.length; i++) {
            line[i] = (byte) alphabet.charAt(rnd.nextInt(alphabet.length()));
        }
        out.write(line, 0, line.length);
        out.write('\n');
        byte[] tail = CiLogGenerator.generate(rnd.nextLong(), 20_000);
        out.write(tail, 0, tail.length);
        return out.toByteArray();
    }

    static byte[] junkLog(Random rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 400; i++) {
            byte[] text = ("step " + i + " \u001b[35mmagenta\u001b[0m\t").getBytes(StandardCharsets.UTF_8);
            out.write(text, 0, text.length);
            int junk = rnd.nextInt(64);
            for (int j = 0; j < junk; j++) {
                out.write(rnd.nextInt(256)); // NUL, lone continuation bytes, 0xFF: invalid UTF-8 on purpose
            }
            out.write(new byte[] {0, (byte) 0xC3, (byte) 0x28, '\r', '\n'}, 0, 5);
        }
        return out.toByteArray();
    }
}
