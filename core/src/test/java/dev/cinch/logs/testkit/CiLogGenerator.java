package dev.cinch.logs.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates build-log-like bytes for tests that must not depend on a real corpus: timestamps, ANSI colours,
 * {@code \r} progress bars, CRLF lines, compiler/test-runner chatter with repetition, stack traces, the occasional
 * very long line and a little binary junk (NUL, invalid UTF-8). Deterministic for a given seed.
 */
public final class CiLogGenerator {
    private static final String[] WORDS = {"Compiling", "Downloading", "Resolving", "Running", "PASSED", "FAILED",
        "warning:", "error:", "BUILD", "SUCCESS", "target/classes", "src/main/java", "npm", "WARN", "deprecated",
        "org.apache.maven.plugins", "test_parse_config", "cargo", "Finished", "release", "[INFO]", "node_modules",
        "at", "java.base/java.lang.Thread.run(Thread.java:840)", "0.003s", "docker", "layer", "sha256:"};
    private static final String[] COLOURS = {"\u001b[32m", "\u001b[31m", "\u001b[1;33m", "\u001b[36m", "\u001b[0m"};

    private CiLogGenerator() {
    }

    /** About {@code approxBytes} bytes (a little more: the last line is completed) of CI-like output. */
    public static byte[] generate(long seed, int approxBytes) {
        Random random = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(approxBytes + 4096);
        long clock = 1_714_564_800_000L + random.nextInt(1_000_000);
        int step = 0;
        while (out.size() < approxBytes) {
            clock += random.nextInt(40);
            String stamp = String.format("%tFT%<tT.%<tLZ ", clock);
            int kind = random.nextInt(100);
            if (kind < 55) {
                StringBuilder line = new StringBuilder(stamp);
                line.append("[step ").append(step % 17).append("] ");
                int words = 3 + random.nextInt(12);
                for (int i = 0; i < words; i++) {
                    line.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
                }
                line.append('\n');
                write(out, line.toString());
            } else if (kind < 70) {
                String colour = COLOURS[random.nextInt(COLOURS.length - 1)];
                write(out, stamp + colour + WORDS[random.nextInt(WORDS.length)] + "\u001b[0m "
                        + WORDS[random.nextInt(WORDS.length)] + " (" + random.nextInt(1000) + " ms)\n");
            } else if (kind < 78) {
                // A progress bar redrawn in place with carriage returns, finished by a newline.
                StringBuilder bar = new StringBuilder();
                for (int pct = 0; pct <= 100; pct += 5 + random.nextInt(10)) {
                    bar.append('\r').append("Downloading layer ").append(Integer.toHexString(step)).append(" [")
                            .append("=".repeat(pct / 5)).append(">").append(" ".repeat(20 - pct / 5)).append("] ")
                            .append(pct).append('%');
                }
                bar.append("\r\n");
                write(out, bar.toString());
            } else if (kind < 86) {
                write(out, stamp + "Windows-style output line " + random.nextInt(100_000) + "\r\n");
            } else if (kind < 94) {
                write(out, "java.lang.IllegalStateException: boom " + random.nextInt(10) + "\n");
                for (int i = 0; i < 4 + random.nextInt(8); i++) {
                    write(out, "\tat dev.example.Service.method" + i + "(Service.java:" + (10 + i * 7) + ")\n");
                }
            } else if (kind < 99) {
                write(out, stamp + "\u001b[1m" + "-".repeat(20 + random.nextInt(60)) + "\u001b[0m\n");
            } else if (random.nextInt(20) != 0) {
                write(out, stamp + "[INFO] " + WORDS[random.nextInt(WORDS.length)] + " "
                        + WORDS[random.nextInt(WORDS.length)] + '\n');
            } else {
                // Rare (about 1 line in 2000): a long minified line of repeated tokens with some binary junk.
                int length = 2_000 + random.nextInt(60_000);
                ByteArrayOutputStream line = new ByteArrayOutputStream(length + 64);
                while (line.size() < length) {
                    if (random.nextInt(200) == 0) {
                        line.write(random.nextInt(256)); // NUL, invalid UTF-8, stray control bytes
                    } else {
                        write(line, "{\"" + WORDS[random.nextInt(WORDS.length)] + "\":" + random.nextInt(100) + "},");
                    }
                }
                out.writeBytes(line.toByteArray());
                out.write('\n');
            }
            step++;
        }
        return out.toByteArray();
    }

    /** Splits {@code log} into chunks of 0..{@code maxChunk} bytes (empty chunks included, as workers send them). */
    public static List<byte[]> split(byte[] log, long seed, int maxChunk) {
        Random random = new Random(seed);
        List<byte[]> chunks = new ArrayList<>();
        int at = 0;
        while (at < log.length) {
            int length = Math.min(log.length - at, random.nextInt(maxChunk + 1));
            byte[] chunk = new byte[length];
            System.arraycopy(log, at, chunk, 0, length);
            chunks.add(chunk);
            at += length;
        }
        return chunks;
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
