package dev.cinch.logs.policy;

import dev.cinch.logs.ChunkConflictException;
import dev.cinch.logs.ElidedRange;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogSealedException;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStatus;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogWriter;
import dev.cinch.logs.ReservedJobIdException;
import dev.cinch.logs.SequenceGapException;
import dev.cinch.logs.config.CinchConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The size limit over a real fs store: what is kept is byte-exact against a reference computed on the bytes. */
class SizeLimitLogStoreTest {
    @TempDir
    Path dataDir;

    private LogStore fs;

    @BeforeEach
    void open() {
        fs = openFs(dataDir);
    }

    static LogStore openFs(Path dir) {
        return LogStores.fromClassPath().open(CinchConfig.of(Map.of("data-dir", dir.toString(), "log-store", "fs",
                "fs.durability", "none")));
    }

    @AfterEach
    void close() {
        fs.close();
    }

    private SizeLimitLogStore limited(long head, long tail) {
        return new SizeLimitLogStore(fs, JobLimits.all(new SizeLimit(head, tail)));
    }

    /** What the log must hold: the first H bytes, the marker, the last T bytes; or everything when it fits. */
    static byte[] expected(byte[] received, long head, long tail) {
        if (received.length <= head + tail) {
            return received;
        }
        int h = (int) head;
        int t = (int) tail;
        byte[] headThenTail = Arrays.copyOf(received, h + t);
        System.arraycopy(received, received.length - t, headThenTail, h, t);
        return expected(headThenTail, head, tail, received.length, newlines(received, h, received.length - t));
    }

    /** The same from the kept bytes only: the first H and last T bytes of {@code total}, {@code lines} dropped. */
    static byte[] expected(byte[] headThenTail, long head, long tail, long total, long lines) {
        int h = (int) head;
        String marker = (h > 0 && headThenTail[h - 1] != '\n' ? "\n" : "") + "[cinch: " + (total - head - tail)
                + " bytes in " + lines + " lines dropped here by the size limit (" + new SizeLimit(head, tail) + ")]\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(headThenTail, 0, h);
        out.writeBytes(marker.getBytes(StandardCharsets.UTF_8));
        out.write(headThenTail, h, headThenTail.length - h);
        return out.toByteArray();
    }

    /** Counted byte by byte, independently of the store's word-at-a-time count. */
    static long newlines(byte[] b, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        return n;
    }

    private static byte[] readAll(LogStore s, JobId job) {
        LogStat st = s.stat(job);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long off = 0;
        while (off < st.rawBytes()) {
            byte[] part = s.readRange(job, off, (int) Math.min(LogStore.MAX_READ_BYTES, st.rawBytes() - off));
            out.writeBytes(part);
            off += part.length;
        }
        return out.toByteArray();
    }

    private static byte[] readAllChunks(LogStore s, JobId job) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long from = 0;
        while (true) {
            List<LogChunk> page = s.readChunks(job, from, 1000);
            if (page.isEmpty()) {
                return out.toByteArray();
            }
            for (LogChunk c : page) {
                out.writeBytes(c.data());
            }
            from += page.size();
        }
    }

    /** Random output with many short lines, so line counts and marker newlines are exercised. */
    static byte[] randomOutput(SplittableRandom rnd, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            int r = rnd.nextInt(12);
            b[i] = r == 0 ? (byte) '\n' : (byte) ('a' + r);
        }
        return b;
    }

    /** Cuts {@code data} into chunks of random sizes (0 and 1 included). */
    static List<LogChunk> chunked(SplittableRandom rnd, byte[] data, int maxChunk) {
        List<LogChunk> chunks = new ArrayList<>();
        int off = 0;
        long seq = 0;
        while (off < data.length) {
            int n = switch (rnd.nextInt(6)) {
                case 0 -> 0;
                case 1 -> 1;
                default -> 1 + rnd.nextInt(maxChunk);
            };
            n = Math.min(n, data.length - off);
            chunks.add(new LogChunk(seq++, rnd.nextBoolean() ? LogStream.STDOUT : LogStream.STDERR, 1000 + seq,
                    Arrays.copyOfRange(data, off, off + n)));
            off += n;
        }
        return chunks;
    }

    private void assertKept(LogStore store, JobId job, byte[] received, long head, long tail) {
        byte[] want = expected(received, head, tail);
        assertThat(readAll(store, job)).as("readRange of %s", job).isEqualTo(want);
        assertThat(readAllChunks(store, job)).as("readChunks of %s", job).isEqualTo(want);
        LogStat st = store.stat(job);
        assertThat(st.sealed()).isTrue();
        assertThat(st.rawBytes()).isEqualTo(want.length);
        assertThat(st.receivedBytes()).isEqualTo(received.length);
        if (received.length > head + tail) {
            long dropped = received.length - head - tail;
            assertThat(st.elided()).contains(new ElidedRange(head, dropped,
                    newlines(received, (int) head, (int) (received.length - tail))));
            assertThat(st.status().kind()).isEqualTo(LogStatus.Kind.TRUNCATED);
            assertThat(st.status().detail()).startsWith("cinch: " + dropped + " bytes in ");
        } else {
            assertThat(st.elided()).isEmpty();
            assertThat(st.status()).isEqualTo(LogStatus.COMPLETE);
        }
        for (int slot = 0; slot < 2; slot++) {
            assertThat(fs.exists(SizeLimitLogStore.segmentId(job, slot))).as("segment slot %d left", slot).isFalse();
        }
    }

    @Test
    void randomChunkingsAndLimitsKeepExactlyHeadMarkerAndTail() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int round = 0; round < 80; round++) {
            boolean tiny = rnd.nextBoolean(); // chunks of 1..8 bytes: a tenth of the sizes, or a round takes seconds
            int scale = tiny ? 10 : 1;
            long head = rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(3000 / scale);
            long tail = rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(3000 / scale);
            int length = switch (rnd.nextInt(4)) { // around H + T, and mostly beyond
                case 0 -> (int) (head + tail);
                case 1 -> (int) (head + tail + 1);
                default -> rnd.nextInt(12_000 / scale);
            };
            byte[] received = randomOutput(rnd, length);
            List<LogChunk> chunks = chunked(rnd, received, 1 + rnd.nextInt(tiny ? 8 : 1500));
            JobId job = JobId.of("rand-" + round);
            LogStore store = limited(head, tail);
            long sideBound = 2 * (tail + 1500 + 400); // two segments of less than T + one chunk, and their headers
            boolean viaWriter = rnd.nextBoolean();
            if (viaWriter) {
                try (LogWriter w = store.openWriter(job)) {
                    for (LogChunk c : chunks) {
                        assertThat(w.nextSeq()).isEqualTo(c.seq());
                        w.append(c.stream(), c.timestampMillis(), c.data(), 0, c.length());
                    }
                }
            } else {
                for (LogChunk c : chunks) {
                    store.append(job, c);
                    if (rnd.nextInt(4) == 0) {
                        store.append(job, chunks.get(rnd.nextInt((int) c.seq() + 1))); // an identical retry: no-op
                    }
                    if (round % 4 == 0) {
                        assertThat(sideBytes(job)).isLessThanOrEqualTo(sideBound);
                    }
                }
            }
            store.seal(job);
            assertKept(store, job, received, head, tail);
        }
    }

    private long sideBytes(JobId job) {
        long total = 0;
        for (int slot = 0; slot < 2; slot++) {
            JobId id = SizeLimitLogStore.segmentId(job, slot);
            if (fs.exists(id)) {
                total += fs.stat(id).rawBytes();
            }
        }
        return total;
    }

    @Test
    void chunksOfEightMegabytesAreSplitAndCut() {
        SplittableRandom rnd = new SplittableRandom(8);
        int big = LogStore.MAX_CHUNK_BYTES;
        byte[] received = randomOutput(rnd, 3 * big + 12345);
        long head = 5L << 20;
        long tail = 3L << 20;
        LogStore store = limited(head, tail);
        JobId job = JobId.of("big");
        long seq = 0;
        for (int off = 0; off < received.length; off += big) {
            store.append(job, new LogChunk(seq++, LogStream.STDOUT, 1, Arrays.copyOfRange(received, off, Math.min(received.length, off + big))));
        }
        store.seal(job);
        assertKept(store, job, received, head, tail);
    }

    @Test
    void exactlyHeadPlusTailKeepsEverythingAndOneMoreByteDropsOne() {
        byte[] fits = "0123456789\nabcdefghij\n".getBytes(StandardCharsets.UTF_8);
        LogStore store = limited(10, 12);
        JobId a = JobId.of("fits");
        store.append(a, new LogChunk(0, LogStream.STDOUT, 1, fits));
        store.seal(a);
        assertKept(store, a, fits, 10, 12);
        assertThat(readAll(store, a)).isEqualTo(fits);

        byte[] over = "0123456789X\nabcdefghij\n".getBytes(StandardCharsets.UTF_8);
        JobId b = JobId.of("over");
        store.append(b, new LogChunk(0, LogStream.STDOUT, 1, over));
        store.seal(b);
        assertThat(new String(readAll(store, b), StandardCharsets.UTF_8)).isEqualTo(
                "0123456789\n[cinch: 1 bytes in 0 lines dropped here by the size limit (keep-head 10 B, keep-tail 12 B)]\n\nabcdefghij\n");
        assertThat(store.stat(b).elided()).contains(new ElidedRange(10, 1, 0));
    }

    @Test
    void retriesAreNoOpsAndOtherBytesConflictInBothPhases() {
        LogStore store = limited(10, 8);
        JobId job = JobId.of("retry");
        LogChunk c0 = new LogChunk(0, LogStream.STDOUT, 1, bytes("head-"));       // 5, head
        LogChunk c1 = new LogChunk(1, LogStream.STDOUT, 2, bytes("split-here"));  // crosses 10: 5 in head, 5 in tail
        LogChunk c2 = new LogChunk(2, LogStream.STDERR, 3, bytes("abc"));         // segment 0 holds 8 = T
        LogChunk c3 = new LogChunk(3, LogStream.STDOUT, 4, bytes("defghi"));      // so this starts segment 1
        LogChunk c4 = new LogChunk(4, LogStream.STDOUT, 5, bytes("0123456789"));  // segment 1 holds 16
        LogChunk c5 = new LogChunk(5, LogStream.STDOUT, 6, bytes("xy"));          // segment 2: segment 0 deleted
        for (LogChunk c : List.of(c0, c1, c2)) {
            store.append(job, c);
        }
        // identical retries, stamped anew, in the head, of the split chunk and in the tail
        store.append(job, new LogChunk(0, LogStream.STDOUT, 99, bytes("head-")));
        store.append(job, new LogChunk(1, LogStream.STDOUT, 99, bytes("split-here")));
        store.append(job, new LogChunk(2, LogStream.STDERR, 99, bytes("abc")));
        assertConflict(store, job, new LogChunk(0, LogStream.STDOUT, 1, bytes("HEAD-")), 0);
        assertConflict(store, job, new LogChunk(1, LogStream.STDOUT, 1, bytes("SPLIT-here")), 1);
        assertConflict(store, job, new LogChunk(1, LogStream.STDOUT, 1, bytes("split-HERE")), 1);
        assertConflict(store, job, new LogChunk(1, LogStream.STDOUT, 1, bytes("split")), 1);
        assertConflict(store, job, new LogChunk(2, LogStream.STDERR, 1, bytes("abd")), 2);
        assertConflict(store, job, new LogChunk(2, LogStream.STDOUT, 1, bytes("abc")), 2);
        assertThatThrownBy(() -> store.append(job, new LogChunk(7, LogStream.STDOUT, 1, bytes("z"))))
                .isInstanceOfSatisfying(SequenceGapException.class, e -> {
                    assertThat(e.expectedSeq()).isEqualTo(3);
                    assertThat(e.getMessage()).contains("job retry");
                });
        store.append(job, c3);
        store.append(job, c4);
        store.append(job, c5);
        assertThat(fs.exists(SizeLimitLogStore.segmentId(job, 0))).isTrue(); // slot 0 now holds segment 2
        // seq 2's segment is gone: its bytes were dropped, a retry cannot be compared and is accepted
        store.append(job, new LogChunk(2, LogStream.STDERR, 1, bytes("not what it was")));
        // the split chunk's head part is still compared
        store.append(job, new LogChunk(1, LogStream.STDOUT, 1, bytes("split-HERE")));
        assertConflict(store, job, new LogChunk(1, LogStream.STDOUT, 1, bytes("SPLIT-here")), 1);
        assertConflict(store, job, new LogChunk(4, LogStream.STDOUT, 1, bytes("0123456780")), 4);
        store.append(job, c4);
        store.seal(job);
        byte[] received = bytes("head-split-hereabcdefghi0123456789xy");
        assertKept(store, job, received, 10, 8);
        assertThatThrownBy(() -> store.append(job, c5)).isInstanceOf(LogSealedException.class);
    }

    private static void assertConflict(LogStore store, JobId job, LogChunk chunk, long seq) {
        assertThatThrownBy(() -> store.append(job, chunk))
                .isInstanceOfSatisfying(ChunkConflictException.class, e -> {
                    assertThat(e.seq()).isEqualTo(seq);
                    assertThat(e.getMessage()).contains("job " + job.value());
                });
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aRestartMidTailContinuesWithTheJobsOwnLimit() {
        SplittableRandom rnd = new SplittableRandom(3);
        byte[] received = randomOutput(rnd, 50_000);
        List<LogChunk> chunks = chunked(rnd, received, 700);
        JobId job = JobId.of("restart");
        LogStore first = limited(4000, 3000);
        int half = chunks.size() / 2;
        for (int i = 0; i < half; i++) {
            first.append(job, chunks.get(i));
        }
        fs.close();
        fs = openFs(dataDir);
        // another instance, configured with other limits: the job keeps the ones recorded with its tail
        LogStore second = limited(100, 100);
        try (LogWriter w = second.openWriter(job)) {
            assertThat(w.nextSeq()).isEqualTo(half);
            for (int i = half; i < chunks.size(); i++) {
                LogChunk c = chunks.get(i);
                w.append(c.stream(), c.timestampMillis(), c.data(), 0, c.length());
            }
        }
        second.append(job, chunks.get(half - 1)); // a retry from before the restart
        second.seal(job);
        assertKept(second, job, received, 4000, 3000);
    }

    @Test
    void aSealStoppedAfterAnyStepIsFinishedIdenticallyByTheNextSeal() {
        SplittableRandom rnd = new SplittableRandom(5);
        byte[] received = randomOutput(rnd, 30_000);
        List<LogChunk> chunks = chunked(rnd, received, 900);
        for (SizeLimitLogStore.SealStep step : SizeLimitLogStore.SealStep.values()) {
            JobId job = JobId.of("crash-" + step.name().toLowerCase());
            SizeLimitLogStore crashing = new SizeLimitLogStore(fs, JobLimits.all(new SizeLimit(2000, 2500)), (j, at) -> {
                if (at == step) {
                    throw new IllegalStateException("crash after " + at);
                }
            });
            for (LogChunk c : chunks) {
                crashing.append(job, c);
            }
            assertThatThrownBy(() -> crashing.seal(job)).hasMessage("crash after " + step);
            LogStore next = limited(1, 1);
            if (step != SizeLimitLogStore.SealStep.SEALED && step != SizeLimitLogStore.SealStep.DELETED) {
                assertThatThrownBy(() -> next.append(job, new LogChunk(chunks.size(), LogStream.STDOUT, 1, bytes("late"))))
                        .isInstanceOf(LogSealedException.class);
                assertThatThrownBy(() -> next.openWriter(job)).isInstanceOf(LogSealedException.class);
            }
            next.seal(job);
            next.seal(job); // idempotent
            assertKept(next, job, received, 2000, 2500);
        }
    }

    @Test
    void statWhileOpenReportsTheBytesReceivedAndWhatIsAlreadyDiscarded() {
        LogStore store = limited(10, 10);
        JobId job = JobId.of("open-stat");
        store.append(job, new LogChunk(0, LogStream.STDOUT, 1, bytes("0123456789ab\n")));  // 10 head, 3 tail
        LogStat st = store.stat(job);
        assertThat(st.sealed()).isFalse();
        assertThat(st.rawBytes()).isEqualTo(10);
        assertThat(st.receivedBytes()).isEqualTo(13);
        assertThat(st.elided()).isEmpty();
        store.append(job, new LogChunk(1, LogStream.STDOUT, 2, bytes("cdefghi\n")));       // segment 0: 11 bytes
        store.append(job, new LogChunk(2, LogStream.STDOUT, 3, bytes("jklmnopqrstu\n")));  // segment 1: 13 bytes
        store.append(job, new LogChunk(3, LogStream.STDOUT, 4, bytes("v\n")));             // segment 2, 0 deleted
        st = store.stat(job);
        assertThat(st.receivedBytes()).isEqualTo(13 + 8 + 13 + 2);
        assertThat(st.elided()).contains(new ElidedRange(10, 11, 2));
        assertThat(st.status()).isEqualTo(LogStatus.OPEN);
        store.seal(job);
        st = store.stat(job);
        assertThat(st.elided()).contains(new ElidedRange(10, 36 - 20, 2));
    }

    @Test
    void followAndExportOfATruncatedLogServeWhatWasKept() throws Exception {
        SplittableRandom rnd = new SplittableRandom(11);
        byte[] received = randomOutput(rnd, 40_000);
        LogStore store = limited(3000, 5000);
        JobId job = JobId.of("follow");
        byte[] want = expected(received, 3000, 5000);
        try (LogFollower f = store.follow(job, 0)) {
            for (LogChunk c : chunked(rnd, received, 2000)) {
                store.append(job, c);
            }
            store.seal(job);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!f.isFinished() && System.nanoTime() < deadline) {
                for (LogChunk c : f.poll(Duration.ofMillis(200))) {
                    got.writeBytes(c.data());
                }
            }
            assertThat(f.isFinished()).isTrue();
            assertThat(got.toByteArray()).isEqualTo(want);
        }
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        store.exportArchive(job, archive);
        try (LogStore other = openFs(dataDir.resolve("other"))) {
            other.importArchive(job, new ByteArrayInputStream(archive.toByteArray()));
            assertThat(readAll(other, job)).isEqualTo(want);
        }
        assertThat(new String(store.readTailLines(job, 1), StandardCharsets.UTF_8))
                .isEqualTo(new String(lastLine(want), StandardCharsets.UTF_8));
    }

    private static byte[] lastLine(byte[] b) {
        int end = b.length;
        int start = end > 0 && b[end - 1] == '\n' ? end - 1 : end;
        while (start > 0 && b[start - 1] != '\n') {
            start--;
        }
        return Arrays.copyOfRange(b, start, end);
    }

    @Test
    void listHidesTheSideLogsDeleteRemovesThemAndClientsCannotWriteThem() {
        LogStore store = limited(4, 4);
        JobId job = JobId.of("side");
        store.append(job, new LogChunk(0, LogStream.STDOUT, 1, bytes("0123456789abcdef")));
        store.append(job, new LogChunk(1, LogStream.STDOUT, 1, bytes("0123456789abcdef")));
        assertThat(fs.list("", null, 100).jobs()).hasSize(3);
        assertThat(store.list("", null, 100).jobs()).containsExactly(job);
        assertThat(store.list("", null, 1).jobs()).containsExactly(job);
        assertThat(store.list("", null, 1).nextStartAfter()).isEmpty();
        JobId side = SizeLimitLogStore.segmentId(job, 0);
        assertThatThrownBy(() -> store.append(side, new LogChunk(2, LogStream.STDOUT, 1, bytes("x"))))
                .isInstanceOf(ReservedJobIdException.class).hasMessageContaining(side.value());
        assertThatThrownBy(() -> store.openWriter(side)).isInstanceOf(ReservedJobIdException.class);
        assertThatThrownBy(() -> store.seal(side)).isInstanceOf(ReservedJobIdException.class);
        store.seal(job);
        assertThat(fs.list("", null, 100).jobs()).hasSize(2); // the log and its summary
        store.delete(job);
        assertThat(fs.list("", null, 100).jobs()).isEmpty();
        assertThatThrownBy(() -> store.stat(job)).isInstanceOf(LogNotFoundException.class);
    }

    @Test
    void keepHeadZeroStillGivesTheJobALogAndWithoutALimitNothingChanges() {
        LogStore store = limited(0, 5);
        JobId job = JobId.of("tail-only");
        store.append(job, new LogChunk(0, LogStream.STDOUT, 1, bytes("abcdefghij")));
        assertThat(store.exists(job)).isTrue();
        assertThat(store.stat(job).rawBytes()).isZero();
        store.seal(job);
        assertKept(store, job, bytes("abcdefghij"), 0, 5);

        LogStore plain = new SizeLimitLogStore(fs, JobLimits.NONE);
        JobId free = JobId.of("free");
        byte[] all = randomOutput(new SplittableRandom(1), 100_000);
        plain.append(free, new LogChunk(0, LogStream.STDOUT, 1, all));
        plain.seal(free);
        assertThat(readAll(plain, free)).isEqualTo(all);
        assertThat(plain.stat(free).status()).isEqualTo(LogStatus.COMPLETE);
        assertThat(plain.stat(free).elided()).isEqualTo(Optional.empty());
    }

    @Test
    void aCrashBetweenTheHeaderOfSegmentZeroAndTheSplitChunkIsFinishedByTheResentChunk() throws Exception {
        for (boolean headPartStored : new boolean[] {false, true}) {
            JobId job = JobId.of("split-crash-" + headPartStored);
            limited(10, 8).append(job, new LogChunk(0, LogStream.STDOUT, 1, bytes("head-")));
            // What a crash right after writing the header (and maybe the head part) leaves in the store.
            byte[] header = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(
                    new SizeLimitLogStore.SegmentHeader(0, 1, 5, 10, 0, 10, 8, 2, 1, 5, false));
            fs.append(SizeLimitLogStore.segmentId(job, 0), new LogChunk(0, LogStream.STDOUT, 2, header));
            if (headPartStored) {
                fs.append(job, new LogChunk(1, LogStream.STDOUT, 2, bytes("split")));
            }
            LogStore restarted = limited(10, 8);
            assertThat(restarted.stat(job).receivedBytes()).isEqualTo(10);
            try (LogWriter w = restarted.openWriter(job)) {
                assertThat(w.nextSeq()).isEqualTo(1);
            }
            assertConflict(restarted, job, new LogChunk(1, LogStream.STDOUT, 2, bytes("split")), 1);
            restarted.append(job, new LogChunk(1, LogStream.STDOUT, 2, bytes("split-here")));
            restarted.append(job, new LogChunk(1, LogStream.STDOUT, 3, bytes("split-here")));
            restarted.append(job, new LogChunk(2, LogStream.STDOUT, 3, bytes("0123456789\n")));
            restarted.seal(job);
            assertKept(restarted, job, bytes("head-split-here0123456789\n"), 10, 8);
        }
    }
}
