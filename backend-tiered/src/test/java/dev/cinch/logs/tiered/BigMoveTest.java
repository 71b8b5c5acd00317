package dev.cinch.logs.tiered;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A 1 GiB log moves down two tiers, copied and re-encoded, in a JVM whose heap is 64 MiB: moves stream. */
class BigMoveTest {
    @TempDir
    Path dataDir;

    @Test
    @Timeout(600)
    void aOneGibLogMovesDownTwoTiersInA64MibHeap() throws Exception {
        long size = 1L << 30;
        Process child = new ProcessBuilder(ArchiverCrashTest.javaBinary(), "-Xmx64m", "-cp", ArchiverCrashTest.classPath(),
                BigMoveProcess.class.getName(), dataDir.toString(), String.valueOf(size))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertThat(child.waitFor(540, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        assertThat(out).startsWith("MOVED cold ").contains(" " + size + " maxHeap ");
        long maxHeap = Long.parseLong(out.substring(out.lastIndexOf(' ') + 1));
        assertThat(maxHeap).as("the child's heap").isLessThanOrEqualTo(64L << 20);
    }
}
