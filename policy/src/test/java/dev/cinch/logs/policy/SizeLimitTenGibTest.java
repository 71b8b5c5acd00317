package dev.cinch.logs.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 10 GiB of output through keep-head 512 KiB / keep-tail 512 KiB, in a child JVM whose heap is 64 MiB: memory stays
 * bounded whatever the job prints, the store never holds more than H + 2T + two chunks for it, and what is kept is
 * byte-exact.
 */
class SizeLimitTenGibTest {
    @TempDir
    Path dataDir;

    @Test
    void tenGibibytesThroughOneMebibyteInASmallHeap() throws Exception {
        long total = 10L << 30;
        long head = 512 << 10;
        long tail = 512 << 10;
        // In memory when the machine has a tmpfs: the test is about the limit's bounds, and on a shared disk the
        // writeback of 10 GiB of segment churn made the run take minutes of waiting for I/O, not of work.
        Path shm = Path.of("/dev/shm");
        Path store = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "cinch-size-limit-")
                : dataDir.resolve("store");
        try {
            runChild(total, head, tail, store);
        } finally {
            if (!store.startsWith(dataDir)) {
                try (Stream<Path> files = Files.walk(store)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }
    }

    private void runChild(long total, long head, long tail, Path store) throws Exception {
        String cp = System.getProperty("surefire.test.class.path");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path"),
                TenGibThroughLimit.class.getName(), store.toString(), Long.toString(total), Long.toString(head),
                Long.toString(tail));
        Path log = dataDir.resolve("child.out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("finished in time").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(text);
        assertThat(p.exitValue()).as(text).isZero();
        Matcher m = Pattern.compile("max side-log bytes (\\d+), max disk bytes (\\d+)").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        long bound = 2 * (tail + TenGibThroughLimit.CHUNK + 2048); // two segments below T + a chunk, headers
        assertThat(Long.parseLong(m.group(1))).isLessThanOrEqualTo(bound);
        assertThat(Long.parseLong(m.group(2))).isLessThanOrEqualTo(head + bound + (8 << 20)); // plus indexes, files
    }
}
