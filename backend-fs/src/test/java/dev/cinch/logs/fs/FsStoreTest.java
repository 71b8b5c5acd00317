package dev.cinch.logs.fs;

import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogLockedException;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the fs store does beyond the contract: its files, recovery, damage, other processes, settings. */
class FsStoreTest {
    @TempDir
    Path dataDir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    private LogStore open(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("data-dir", dataDir.toString());
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return LogStores.fromClassPath().open(CinchConfig.of(m));
    }

    private static LogChunk chunk(long seq, String text) {
        return new LogChunk(seq, LogStream.STDOUT, seq, text.getBytes(StandardCharsets.UTF_8));
    }

    private Path jobDir(JobId job) {
        return new FsLayout(dataDir.resolve("logs")).jobDir(job);
    }

    @Test
    void layoutIsShardedAndSealReplacesOpenFilesWithOneArchive() throws Exception {
        JobId job = JobId.of("j_layout");
        try (LogStore store = open()) {
            store.append(job, chunk(0, "a\n"));
            Path dir = jobDir(job);
            assertThat(dataDir.resolve("logs").relativize(dir).toString()).matches("[0-9a-f]{2}/[0-9a-f]{2}/j_layout");
            assertThat(dir.resolve("open.log")).isRegularFile();
            assertThat(dir.resolve("open.idx")).hasSize(IndexEntry.BYTES);
            store.seal(job);
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("sealed.zst");
            }
            try (Stream<Path> tmp = Files.list(dataDir.resolve("logs/tmp"))) {
                assertThat(tmp).isEmpty();
            }
        }
    }

    /** Chunks of 1 to 40 short lines, one in three ending mid-line, so counts differ from chunk to chunk. */
    private static List<LogChunk> lineChunks(int from, int count, java.io.ByteArrayOutputStream all) {
        List<LogChunk> out = new ArrayList<>();
        for (int c = from; c < from + count; c++) {
            StringBuilder b = new StringBuilder();
            for (int l = 0; l <= c % 40; l++) {
                b.append("chunk ").append(c).append(" line ").append(l).append('\n');
            }
            if (c % 3 == 1) {
                b.append("unfinished ");
            }
            LogChunk chunk = chunk(c, b.toString());
            out.add(chunk);
            all.writeBytes(chunk.data());
        }
        return out;
    }

    private void assertLinesMatch(LogStore store, JobId job, byte[] bytes) {
        long lines = 1;
        for (byte b : bytes) {
            lines += b == '\n' ? 1 : 0;
        }
        for (long from = 1; from <= lines; from += 37) {
            assertThat(store.readLines(job, from, 25)).as("lines %d+25", from)
                    .isEqualTo(dev.cinch.logs.testkit.LogReference.lines(bytes, from, 25));
        }
    }

    /** newlinesBefore of every seq of the job's open log, read through a storage of its own. */
    private long[] recordedCounts(JobId job) throws Exception {
        try (FsLogStorage storage = new FsLogStorage(FsStoreConfig.from(CinchConfig.of(
                Map.of("data-dir", dataDir.toString(), "log-store", "fs"))));
             var snapshot = storage.openSnapshot(job).orElseThrow()) {
            long[] out = new long[(int) snapshot.totals().chunks() + 1];
            for (int seq = 0; seq < out.length; seq++) {
                out[seq] = snapshot.newlinesBefore(seq);
            }
            return out;
        }
    }

    private static long[] expectedCounts(List<LogChunk> chunks) {
        long[] out = new long[chunks.size() + 1];
        for (int i = 0; i < chunks.size(); i++) {
            out[i + 1] = out[i] + dev.cinch.logs.storage.LogTotals.countNewlines(chunks.get(i).data());
        }
        return out;
    }

    @Test
    void anOpenLogStoredBeforeLineCountsWereKeptIsReadByAScanAndStaysWithout() throws Exception {
        JobId job = JobId.of("old-lines");
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        try (LogStore store = open()) {
            appendAll(store, job, lineChunks(0, 60, all));
        }
        // What a store before the counts left behind: open.log and open.idx, no open.lines.
        Files.delete(jobDir(job).resolve(FsLayout.OPEN_LINES));
        assertThat(recordedCounts(job)[60]).isEqualTo(dev.cinch.logs.storage.LogTotals.UNKNOWN_NEWLINES);
        try (LogStore store = open()) {
            assertLinesMatch(store, job, all.toByteArray());
            appendAll(store, job, lineChunks(60, 20, all)); // the writer recovers it and keeps it as it is
            assertLinesMatch(store, job, all.toByteArray());
        }
        assertThat(jobDir(job).resolve(FsLayout.OPEN_LINES)).doesNotExist();
        try (LogStore store = open()) {
            assertLinesMatch(store, job, all.toByteArray());
        }
    }

    @Test
    void recoveryCountsTheChunksWhoseLineCountsOrIndexEntriesDidNotReachTheDisk() throws Exception {
        JobId job = JobId.of("lost-lines");
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        List<LogChunk> chunks = lineChunks(0, 30, all);
        try (LogStore store = open("fs.durability", "fsync")) {
            appendAll(store, job, chunks);
        }
        Path dir = jobDir(job);
        assertThat(dir.resolve(FsLayout.OPEN_LINES)).hasSize(30L * OpenLogFiles.LINES_BYTES);
        assertThat(recordedCounts(job)).isEqualTo(expectedCounts(chunks));
        // A crash that lost the last index entries (their frames survive) and more of open.lines, with a torn entry.
        try (RandomAccessFile idx = new RandomAccessFile(dir.resolve("open.idx").toFile(), "rw")) {
            idx.setLength(25L * IndexEntry.BYTES);
        }
        try (RandomAccessFile lines = new RandomAccessFile(dir.resolve(FsLayout.OPEN_LINES).toFile(), "rw")) {
            lines.setLength(12L * OpenLogFiles.LINES_BYTES + 9);
            lines.seek(9L * OpenLogFiles.LINES_BYTES + 3);
            lines.write(0x7F); // damaged entry 9: counted again from its frame, as are those after it
        }
        // A reader (no writer) sees the counts of the intact prefix only; lines still read correctly.
        long[] before = recordedCounts(job);
        assertThat(before[9]).isEqualTo(expectedCounts(chunks)[9]);
        assertThat(before[10]).isEqualTo(dev.cinch.logs.storage.LogTotals.UNKNOWN_NEWLINES);
        try (LogStore store = open()) {
            assertLinesMatch(store, job, all.toByteArray());
        }
        List<LogChunk> more = lineChunks(30, 5, all);
        try (LogStore store = open()) {
            appendAll(store, job, more); // the writer recovers first
            assertLinesMatch(store, job, all.toByteArray());
        }
        List<LogChunk> every = new ArrayList<>(chunks);
        every.addAll(more);
        assertThat(dir.resolve(FsLayout.OPEN_LINES)).hasSize(35L * OpenLogFiles.LINES_BYTES);
        assertThat(recordedCounts(job)).isEqualTo(expectedCounts(every));
    }

    private static void appendAll(LogStore store, JobId job, List<LogChunk> chunks) {
        chunks.forEach(c -> store.append(job, c));
    }

    @Test
    void tornTailIsCutAndUnindexedFramesAreRecovered() throws Exception {
        JobId job = JobId.of("torn");
        try (LogStore store = open("fs.durability", "fsync")) {
            for (int i = 0; i < 5; i++) {
                store.append(job, chunk(i, "chunk " + i + "\n"));
            }
        }
        Path dir = jobDir(job);
        // a crash after chunk 4's frame but before its index entry, then half of a next frame
        try (RandomAccessFile idx = new RandomAccessFile(dir.resolve("open.idx").toFile(), "rw")) {
            idx.setLength(4L * IndexEntry.BYTES + 10);
        }
        Files.write(dir.resolve("open.log"), new byte[] {0x43, 0x48, 0x4B, 0x31, 7, 7, 7}, java.nio.file.StandardOpenOption.APPEND);
        try (LogStore store = open()) {
            store.append(job, chunk(5, "chunk 5\n")); // the writer recovers first
            assertThat(new String(store.readRange(job, 0, 1000), StandardCharsets.UTF_8))
                    .isEqualTo("chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\nchunk 5\n");
            assertThat(store.stat(job).chunks()).isEqualTo(6);
        }
        assertThat(Files.size(dir.resolve("open.idx"))).isEqualTo(6L * IndexEntry.BYTES);
    }

    @Test
    void indexPagesLostToAPowerCutAreRebuiltFromTheFrames() throws Exception {
        JobId job = JobId.of("lost-index-page");
        StringBuilder expected = new StringBuilder();
        try (LogStore store = open("fs.durability", "fsync")) {
            for (int i = 0; i < 12; i++) {
                store.append(job, chunk(i, "chunk " + i + "\n"));
                expected.append("chunk ").append(i).append('\n');
            }
        }
        // The index is not fsynced (the frames are): a power cut may leave any of its pages stale. Zero entries
        // 3..5 in the middle and cut the last entry in half.
        Path idx = jobDir(job).resolve("open.idx");
        byte[] bytes = Files.readAllBytes(idx);
        java.util.Arrays.fill(bytes, 3 * IndexEntry.BYTES, 6 * IndexEntry.BYTES, (byte) 0);
        Files.write(idx, java.util.Arrays.copyOf(bytes, bytes.length - IndexEntry.BYTES / 2));
        try (LogStore store = open()) {
            // a reader reads around the damage from the intact frames (and changes nothing)
            assertThat(store.readRange(job, 0, 10_000)).asString().isEqualTo(expected.toString());
            assertThat(store.stat(job).chunks()).isEqualTo(12);
            store.append(job, chunk(12, "chunk 12\n"));
            store.seal(job);
            assertThat(store.readRange(job, 0, 10_000)).asString().isEqualTo(expected + "chunk 12\n");
        }
    }

    /** A 433-chunk open log written and closed cleanly (every chunk acknowledged with fsync); returns its bytes. */
    private byte[] writeClosedLog(JobId job) {
        byte[] log = dev.cinch.logs.testkit.CiLogGenerator.generate(433, 1_771_436);
        try (LogStore store = open("fs.durability", "fsync")) {
            long seq = 0;
            for (int at = 0; at < log.length; at += 4096) {
                store.append(job, new LogChunk(seq++, LogStream.STDOUT, seq, java.util.Arrays.copyOfRange(log, at, Math.min(log.length, at + 4096))));
            }
        }
        return log;
    }

    private Map<String, byte[]> openFiles(JobId job) throws Exception {
        return Map.of("open.log", Files.readAllBytes(jobDir(job).resolve("open.log")),
                "open.idx", Files.readAllBytes(jobDir(job).resolve("open.idx")));
    }

    private void assertFilesUnchanged(JobId job, Map<String, byte[]> before) throws Exception {
        Map<String, byte[]> after = openFiles(job);
        for (String name : before.keySet()) {
            assertThat(after.get(name)).as("%s after reads", name).isEqualTo(before.get(name));
        }
    }

    @Test
    void aDamagedOrShortIndexNeitherHidesChunksNorIsRepairedByReaders() throws Exception {
        for (String damage : new String[] {"flip-last-entry", "truncate-index", "zero-middle-page"}) {
            JobId job = JobId.of("index-" + damage);
            byte[] log = writeClosedLog(job);
            long chunks = (log.length + 4095) / 4096;
            Path idx = jobDir(job).resolve("open.idx");
            byte[] bytes = Files.readAllBytes(idx);
            switch (damage) {
                case "flip-last-entry" -> bytes[bytes.length - IndexEntry.BYTES + 20] ^= 0x11;
                case "truncate-index" -> bytes = java.util.Arrays.copyOf(bytes, 200 * IndexEntry.BYTES + 17);
                default -> java.util.Arrays.fill(bytes, 100 * IndexEntry.BYTES, 185 * IndexEntry.BYTES, (byte) 0);
            }
            Files.write(idx, bytes);
            Map<String, byte[]> before = openFiles(job);
            try (LogStore store = open()) {
                for (int pass = 0; pass < 2; pass++) {
                    assertThat(store.stat(job).chunks()).as(damage).isEqualTo(chunks);
                    assertThat(store.stat(job).rawBytes()).as(damage).isEqualTo(log.length);
                    assertThat(readWhole(store, job)).as(damage).isEqualTo(log);
                    assertThat(store.readChunks(job, 150, 10)).extracting(LogChunk::seq).as(damage).first().isEqualTo(150L);
                    assertThat(store.readTailLines(job, 3)).as(damage).isEqualTo(dev.cinch.logs.testkit.LogReference.tail(log, 3));
                }
            }
            assertFilesUnchanged(job, before);
        }
    }

    @Test
    void aShortOrDamagedLastFrameIsReportedNotCutByReaders() throws Exception {
        for (String damage : new String[] {"cut-open-log", "flip-last-frame"}) {
            JobId job = JobId.of("frame-" + damage);
            byte[] log = writeClosedLog(job);
            long chunks = (log.length + 4095) / 4096;
            Path file = jobDir(job).resolve("open.log");
            byte[] bytes = Files.readAllBytes(file);
            if (damage.equals("cut-open-log")) {
                bytes = java.util.Arrays.copyOf(bytes, bytes.length - 100);
            } else {
                bytes[bytes.length - 10] ^= 0x22;
            }
            Files.write(file, bytes);
            Map<String, byte[]> before = openFiles(job);
            try (LogStore store = open()) {
                for (int pass = 0; pass < 2; pass++) {
                    assertThat(store.stat(job).chunks()).as(damage).isEqualTo(chunks);
                    assertThatThrownBy(() -> readWhole(store, job)).as(damage).isInstanceOf(CorruptLogException.class)
                            .hasMessageContaining(job.value()).hasMessageContaining("seq " + (chunks - 1));
                    assertThatThrownBy(() -> store.readTailLines(job, 1)).isInstanceOf(CorruptLogException.class);
                    assertThat(store.readChunks(job, 0, (int) chunks - 1)).hasSize((int) chunks - 1);
                }
            }
            assertFilesUnchanged(job, before);
            // A writer taking the log over is where recovery may drop what fails its checks: here the last chunk.
            try (LogStore store = open()) {
                store.append(job, chunk(chunks - 1, "replacement\n"));
                assertThat(store.stat(job).chunks()).isEqualTo(chunks);
                byte[] expected = java.util.Arrays.copyOf(log, (int) ((chunks - 1) * 4096));
                assertThat(store.readRange(job, 0, expected.length)).isEqualTo(expected);
            }
        }
    }

    private static byte[] readWhole(LogStore store, JobId job) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long size = store.stat(job).rawBytes();
        for (long at = 0; at < size; at += 1 << 20) {
            out.writeBytes(store.readRange(job, at, 1 << 20));
        }
        return out.toByteArray();
    }

    /**
     * A power cut during a group commit leaves the last batch's frames cut anywhere, and the index (never fsynced)
     * anywhere too. For a cut at every byte of the last batch, recovery keeps every acknowledged chunk, plus exactly
     * the batch's frames that are complete before the cut, byte-exact; and a cut index loses nothing.
     */
    @Test
    void recoveryAfterACutAtEveryByteOfTheLastBatchKeepsExactlyTheCompleteFrames() throws Exception {
        JobId job = JobId.of("cut-batch");
        List<LogChunk> chunks = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            chunks.add(new LogChunk(i, i % 4 == 3 ? LogStream.STDERR : LogStream.STDOUT, 1000 + i,
                    ("chunk " + i + " " + "=".repeat(7 * i) + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        try (LogStore store = open()) {
            for (LogChunk c : chunks) {
                store.append(job, c);
            }
        }
        Path dir = jobDir(job);
        byte[] log = Files.readAllBytes(dir.resolve("open.log"));
        byte[] idx = Files.readAllBytes(dir.resolve("open.idx"));
        long[] frameEnd = new long[chunks.size()];
        for (int i = 0; i < chunks.size(); i++) {
            frameEnd[i] = IndexEntry.decode(java.nio.ByteBuffer.wrap(idx), i * IndexEntry.BYTES).frameEnd();
        }
        int acknowledged = 10; // chunks 0..9 were synced before the last batch (10..12) started
        byte[] all = dev.cinch.logs.testkit.LogReference.concat(chunks);
        for (long cut = frameEnd[acknowledged - 1]; cut <= log.length; cut++) {
            for (int idxEntries : new int[] {acknowledged, chunks.size()}) {
                Files.write(dir.resolve("open.log"), java.util.Arrays.copyOf(log, (int) cut));
                Files.write(dir.resolve("open.idx"), java.util.Arrays.copyOf(idx, idxEntries * IndexEntry.BYTES));
                int complete = acknowledged;
                while (complete < chunks.size() && frameEnd[complete] <= cut) {
                    complete++;
                }
                try (LogStore store = open(); dev.cinch.logs.LogWriter w = store.openWriter(job)) {
                    assertThat(w.nextSeq()).as("cut at %d, %d index entries", cut, idxEntries).isEqualTo(complete);
                    byte[] expected = dev.cinch.logs.testkit.LogReference.concat(chunks.subList(0, complete));
                    assertThat(store.readRange(job, 0, all.length)).as("cut at %d", cut).isEqualTo(expected);
                    assertThat(store.readChunks(job, 0, 100)).isEqualTo(chunks.subList(0, complete));
                }
            }
        }
        // The index alone cut at every byte (frames intact): recovery re-indexes every frame.
        for (int cut = 0; cut <= idx.length; cut++) {
            Files.write(dir.resolve("open.log"), log);
            Files.write(dir.resolve("open.idx"), java.util.Arrays.copyOf(idx, cut));
            try (LogStore store = open(); dev.cinch.logs.LogWriter w = store.openWriter(job)) {
                assertThat(w.nextSeq()).as("index cut at %d", cut).isEqualTo(chunks.size());
                assertThat(store.readRange(job, 0, all.length)).isEqualTo(all);
            }
        }
    }

    @Test
    @Timeout(60)
    void aFollowerReplayingASealedLogDecompressesEachFrameOnce() throws Exception {
        JobId job = JobId.of("replayed");
        byte[] log = dev.cinch.logs.testkit.CiLogGenerator.generate(11, 6 << 20);
        try (LogStore store = open("fs.durability", "none")) {
            long seq = 0;
            for (int at = 0; at < log.length; at += 3000) {
                store.append(job, new LogChunk(seq++, LogStream.STDOUT, seq, java.util.Arrays.copyOfRange(log, at, Math.min(log.length, at + 3000))));
            }
            store.seal(job);
        }
        try (LogStore store = open(); LogFollower follower = store.follow(job, 0)) {
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            while (!follower.isFinished()) {
                for (LogChunk c : follower.poll(Duration.ofSeconds(5))) {
                    got.writeBytes(c.data());
                }
            }
            assertThat(got.toByteArray()).isEqualTo(log);
            long frames = (log.length + (256 << 10) - 1) / (256 << 10);
            dev.cinch.logs.archive.FrameCache.Stats stats = ((dev.cinch.logs.store.StorageBackedLogStore) store).frameCache().stats();
            assertThat(stats.decompressions()).as("decompressions: one per frame").isEqualTo(frames);
            assertThat(stats.hits()).as("pages that began inside a frame already read").isPositive();
        }
    }

    @Test
    void theFrameCacheStaysWithinItsConfiguredBound() {
        byte[] log = dev.cinch.logs.testkit.CiLogGenerator.generate(12, 3 << 20);
        try (LogStore store = open("fs.durability", "none", "fs.frame-cache-size", "1MiB")) {
            for (int j = 0; j < 3; j++) {
                JobId job = JobId.of("bounded-" + j);
                store.append(job, new LogChunk(0, LogStream.STDOUT, 0, java.util.Arrays.copyOf(log, 3 << 20)));
                store.seal(job);
            }
            dev.cinch.logs.archive.FrameCache cache = ((dev.cinch.logs.store.StorageBackedLogStore) store).frameCache();
            assertThat(cache.capacityBytes()).isEqualTo(1 << 20);
            java.util.Random rnd = new java.util.Random(1);
            for (int n = 0; n < 300; n++) {
                JobId job = JobId.of("bounded-" + rnd.nextInt(3));
                int at = rnd.nextInt(3 << 20);
                assertThat(store.readRange(job, at, 65536)).isEqualTo(java.util.Arrays.copyOfRange(log, at, Math.min(3 << 20, at + 65536)));
                assertThat(cache.bytes()).isLessThanOrEqualTo(1 << 20);
            }
            assertThat(cache.stats().hits()).isPositive();
        }
    }

    @Test
    void damagedChunkIsReportedNeverReturned() throws Exception {
        JobId job = JobId.of("damaged");
        try (LogStore store = open()) {
            for (int i = 0; i < 3; i++) {
                store.append(job, chunk(i, ("chunk " + i + " ").repeat(50) + "\n"));
            }
        }
        Path log = jobDir(job).resolve("open.log");
        byte[] bytes = Files.readAllBytes(log);
        // flip one payload byte of the middle chunk
        long secondFrame;
        try (java.nio.channels.FileChannel idx = java.nio.channels.FileChannel.open(jobDir(job).resolve("open.idx"))) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(IndexEntry.BYTES);
            idx.read(b, IndexEntry.BYTES);
            secondFrame = IndexEntry.decode(b, 0).fileOffset();
        }
        bytes[(int) secondFrame + ChunkFrame.HEADER_BYTES + 3] ^= 0x01;
        Files.write(log, bytes);
        try (LogStore store = open()) {
            assertThat(store.readChunks(job, 0, 1)).hasSize(1);
            assertThatThrownBy(() -> store.readChunks(job, 0, 3)).isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining("damaged").hasMessageContaining("seq 1");
            assertThatThrownBy(() -> store.readRange(job, 0, 10_000)).isInstanceOf(CorruptLogException.class).hasMessageContaining("seq 1");
            assertThatThrownBy(() -> store.seal(job)).isInstanceOf(CorruptLogException.class);
            assertThat(store.stat(job).sealed()).isFalse();
        }
    }

    @Test
    void damagedArchiveIsReportedNeverReturned() throws Exception {
        JobId job = JobId.of("damaged-archive");
        try (LogStore store = open()) {
            store.append(job, chunk(0, "x".repeat(100_000)));
            store.seal(job);
        }
        Path archive = jobDir(job).resolve("sealed.zst");
        byte[] bytes = Files.readAllBytes(archive);
        // Inside the one data frame (100,000 x compress to a few dozen bytes; the filter and index frames follow).
        int frame = (int) com.github.luben.zstd.Zstd.findFrameCompressedSize(bytes, 0, bytes.length);
        bytes[frame / 2] ^= 0x10;
        Files.write(archive, bytes);
        try (LogStore store = open()) {
            assertThatThrownBy(() -> store.readRange(job, 0, 100_000)).isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining("damaged-archive");
        }
    }

    @Test
    void onlyStaleUnlockedStagedArchivesAreSweptAtStart() throws Exception {
        try (LogStore store = open()) {
            store.append(JobId.of("x"), chunk(0, "x"));
        }
        Path tmp = dataDir.resolve("logs/tmp");
        // Left by a process that died mid-seal: unlocked and old.
        Path stale = tmp.resolve("x.1234-dead" + FsLayout.UPLOAD_SUFFIX);
        Files.write(stale, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofHours(1))));
        // Unlocked but young: its owner may not have locked it yet.
        Path young = tmp.resolve("y.1235-new" + FsLayout.UPLOAD_SUFFIX);
        Files.write(young, new byte[] {4});
        // Old but locked: an upload in progress (here, of this process).
        Path live = tmp.resolve("z.1236-live" + FsLayout.UPLOAD_SUFFIX);
        Files.write(live, new byte[] {5});
        Files.setLastModifiedTime(live, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofHours(1))));
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(live, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock lock = ch.lock();
             LogStore store = open()) {
            assertThat(lock.isValid()).isTrue();
            assertThat(stale).doesNotExist();
            assertThat(young).exists();
            assertThat(live).exists();
            assertThat(store.exists(JobId.of("x"))).isTrue();
        }
    }

    @Test
    void invalidSettingsFailNamingTheKey() {
        assertThatThrownBy(() -> open("fs.durability", "maybe")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fs.durability").hasMessageContaining("fsync, group, none");
        assertThatThrownBy(() -> open("fs.frame-cache-size", "5 parsecs")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fs.frame-cache-size");
        assertThatThrownBy(() -> open("fs.archive-frame-size", "1KiB")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fs.archive-frame-size");
        assertThatThrownBy(() -> open("fs.chunk-level", "99")).isInstanceOf(ConfigException.class).hasMessageContaining("fs.chunk-level");
        assertThatThrownBy(() -> open("fs.colour", "blue")).isInstanceOf(ConfigException.class).hasMessageContaining("unknown key");
    }

    @Test
    void idleWritersBeyondTheCapAreClosedAndReopenedTransparently() throws Exception {
        try (LogStore store = open("fs.max-open-writers", "2")) {
            for (int seq = 0; seq < 5; seq++) {
                for (int j = 0; j < 10; j++) {
                    store.append(JobId.of("capped-" + j), chunk(seq, j + ":" + seq + "\n"));
                    assertThat(((dev.cinch.logs.store.StorageBackedLogStore) store).openWriters()).isLessThanOrEqualTo(2);
                }
            }
            store.seal(JobId.of("capped-3"));
            for (int j = 0; j < 10; j++) {
                JobId job = JobId.of("capped-" + j);
                assertThat(store.readRange(job, 0, 1000)).asString().isEqualTo(
                        j + ":0\n" + j + ":1\n" + j + ":2\n" + j + ":3\n" + j + ":4\n");
            }
        }
    }

    @Test
    void everyDurabilityModeRoundTrips() {
        for (String mode : new String[] {"fsync", "group", "none"}) {
            JobId job = JobId.of("mode-" + mode);
            try (LogStore store = open("fs.durability", mode)) {
                store.append(job, chunk(0, "a"));
                store.append(job, chunk(1, "b"));
            }
            try (LogStore store = open()) {
                assertThat(store.readRange(job, 0, 10)).asString().isEqualTo("ab");
            }
        }
    }

    @Test
    @Timeout(60)
    void followsAWriterInAnotherProcess() throws Exception {
        JobId job = JobId.of("cross-process");
        int count = 40;
        try (LogStore store = open(); LogFollower follower = store.follow(job, 0)) {
            Process child = child(FollowWriter.class, job.value(), String.valueOf(count), "seal");
            List<LogChunk> got = new ArrayList<>();
            long slowest = 0;
            while (!follower.isFinished()) {
                long t0 = System.nanoTime();
                List<LogChunk> batch = follower.poll(Duration.ofSeconds(20));
                if (!got.isEmpty() && !batch.isEmpty()) {
                    slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                }
                got.addAll(batch);
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isZero();
            assertThat(got).hasSize(count);
            for (int i = 0; i < count; i++) {
                assertThat(got.get(i)).isEqualTo(FollowWriter.chunk(i));
            }
            // the writer appends every 20 ms: file-change notifications, not the 2 s safety re-check, woke us
            assertThat(slowest).as("longest wait between chunks (ms)").isLessThan(1_000);
        }
    }

    @Test
    @Timeout(60)
    void aSecondWriterProcessIsRefused() throws Exception {
        JobId job = JobId.of("locked");
        Process child = child(FollowWriter.class, job.value(), "2", "hold");
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(out.readLine()).isEqualTo("HOLDING");
        try (LogStore store = open()) {
            assertThat(store.readChunks(job, 0, 10)).containsExactly(FollowWriter.chunk(0), FollowWriter.chunk(1));
            assertThatThrownBy(() -> store.append(job, FollowWriter.chunk(2))).isInstanceOf(LogLockedException.class)
                    .hasMessageContaining("locked").hasMessageContaining("another process");
        }
        child.destroyForcibly().waitFor();
        try (LogStore store = open()) {
            store.append(job, FollowWriter.chunk(2)); // the lock died with the process
            assertThat(store.stat(job).chunks()).isEqualTo(3);
        }
    }

    private Process child(Class<?> main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(FsCrashTest.javaBinary(), "-cp", FsCrashTest.classPath(), main.getName(), dataDir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(p);
        return p;
    }
}
