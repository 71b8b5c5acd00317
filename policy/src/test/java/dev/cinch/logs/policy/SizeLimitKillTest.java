package dev.cinch.logs.policy;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a writer in the middle of the tail: every acknowledged chunk survives, another process (with other
 * limits configured) continues the job from the store alone, and the sealed log is byte-exact.
 */
class SizeLimitKillTest {
    @TempDir
    Path dataDir;

    @Test
    void aWriterKilledMidTailLosesNothingAcknowledgedAndAnotherProcessFinishesTheJob() throws Exception {
        long head = 20_000;
        long tail = 30_000;
        JobId job = JobId.of("killed");
        String cp = System.getProperty("surefire.test.class.path");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path"),
                KilledWriter.class.getName(), dataDir.toString(), Long.toString(head), Long.toString(tail), job.value());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long acked = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                acked = Long.parseLong(line.substring("acked ".length()));
                if (acked >= 400) { // ~300 KB printed: well past the head, segments rotated several times
                    p.destroyForcibly(); // SIGKILL: no shutdown hook, no close
                    break;
                }
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(acked).isGreaterThanOrEqualTo(400);

        long total = 700;
        try (LogStore fs = SizeLimitLogStoreTest.openFs(dataDir);
             LogStore store = new SizeLimitLogStore(fs, JobLimits.all(new SizeLimit(1024, 1024)))) {
            try (LogWriter w = store.openWriter(job)) {
                assertThat(w.nextSeq()).as("every acknowledged chunk is stored").isGreaterThan(acked);
                while (w.nextSeq() < total) {
                    long seq = w.nextSeq();
                    byte[] data = KilledWriter.chunk(seq);
                    w.append(KilledWriter.stream(seq), seq, data, 0, data.length);
                }
            }
            store.append(job, new dev.cinch.logs.LogChunk(acked, KilledWriter.stream(acked), 1, KilledWriter.chunk(acked)));
            store.seal(job);
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            for (long seq = 0; seq < total; seq++) {
                received.writeBytes(KilledWriter.chunk(seq));
            }
            byte[] want = SizeLimitLogStoreTest.expected(received.toByteArray(), head, tail);
            assertThat(store.readRange(job, 0, (int) store.stat(job).rawBytes())).isEqualTo(want);
            assertThat(store.stat(job).receivedBytes()).isEqualTo(received.size());
        }
    }
}
