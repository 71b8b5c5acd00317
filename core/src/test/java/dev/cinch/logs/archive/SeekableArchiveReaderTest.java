package dev.cinch.logs.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cinch.logs.InvalidRangeException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.testkit.CiLogGenerator;
import dev.cinch.logs.testkit.ExternalTools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeekableArchiveReaderTest {
    private static final int FRAME = ArchiveOptions.MIN_FRAME_RAW_BYTES;
    private static final JobId JOB = JobId.of("job-1");

    @TempDir
    Path dir;

    private static TestArchives.Built ciLog(long seed, int bytes) {
        return TestArchives.ofLog(CiLogGenerator.generate(seed, bytes), 6_000, seed, TestArchives.smallFrames());
    }

    @Test
    void summaryValuesMatchTheLog() {
        TestArchives.Built built = ciLog(1, 500_000);
        SeekableArchiveReader reader = built.reader();
        CRC32C crc = new CRC32C();
        crc.update(built.log());
        assertThat(reader.rawSize()).isEqualTo(built.log().length);
        assertThat(reader.chunkCount()).isEqualTo(built.chunks().size());
        assertThat(reader.crc32c()).isEqualTo((int) crc.getValue()).isEqualTo(built.summary().crc32c());
        assertThat(reader.lineCount()).isEqualTo(referenceLineCount(built.log()))
                .isEqualTo(built.summary().lineCount());
        assertThat(reader.frameCount()).isEqualTo((built.log().length + FRAME - 1) / FRAME);
        assertThat(reader.archiveSize()).isEqualTo(built.archive().length).isEqualTo(built.summary().archiveBytes());
        reader.verifyAll();
    }

    @Test
    void randomRangesEqualTheByteView() {
        TestArchives.Built built = ciLog(2, 900_000);
        SeekableArchiveReader reader = built.reader();
        byte[] log = built.log();
        Random random = new Random(1234);
        for (int i = 0; i < 1_000; i++) {
            long offset = random.nextInt(log.length + 1);
            int length = switch (i % 4) {
                case 0 -> random.nextInt(16);
                case 1 -> random.nextInt(FRAME);
                case 2 -> random.nextInt(3 * FRAME);
                default -> random.nextInt(log.length + 10);
            };
            int end = (int) Math.min(log.length, offset + length);
            assertThat(reader.readRange(offset, length)).as("range %d+%d", offset, length)
                    .isEqualTo(Arrays.copyOfRange(log, (int) offset, end));
        }
    }

    @Test
    void rangesAtFrameBoundaries() {
        TestArchives.Built built = ciLog(3, 5 * FRAME + 17);
        SeekableArchiveReader reader = built.reader();
        byte[] log = built.log();
        for (int frame = 0; frame <= log.length / FRAME; frame++) {
            for (int delta = -2; delta <= 2; delta++) {
                long offset = (long) frame * FRAME + delta;
                if (offset < 0 || offset > log.length) {
                    continue;
                }
                for (int length : new int[] {0, 1, 2, 3, FRAME - 1, FRAME, FRAME + 1, 2 * FRAME + 1}) {
                    int end = (int) Math.min(log.length, offset + length);
                    assertThat(reader.readRange(offset, length)).as("range %d+%d", offset, length)
                            .isEqualTo(Arrays.copyOfRange(log, (int) offset, end));
                }
            }
        }
        assertThat(reader.readRange(0, Integer.MAX_VALUE)).isEqualTo(log);
        assertThat(reader.readRange(log.length, 100)).isEmpty();
    }

    @Test
    void invalidRangesAreRejected() {
        SeekableArchiveReader reader = ciLog(4, 10_000).reader();
        assertThatThrownBy(() -> reader.readRange(-1, 1)).isInstanceOf(InvalidRangeException.class)
                .hasMessageContaining("job-1");
        assertThatThrownBy(() -> reader.readRange(reader.rawSize() + 1, 1)).isInstanceOf(InvalidRangeException.class);
        assertThatThrownBy(() -> reader.readRange(0, -1)).isInstanceOf(InvalidRangeException.class);
        assertThatThrownBy(() -> reader.readChunks(-1, 1)).isInstanceOf(InvalidRangeException.class);
        assertThatThrownBy(() -> reader.readChunks(reader.chunkCount() + 1, 1))
                .isInstanceOf(InvalidRangeException.class);
        assertThatThrownBy(() -> reader.readChunks(0, -1)).isInstanceOf(InvalidRangeException.class);
        assertThatThrownBy(() -> reader.chunk(reader.chunkCount())).isInstanceOf(InvalidRangeException.class);
        assertThatThrownBy(() -> reader.chunk(-1)).isInstanceOf(InvalidRangeException.class);
        assertThatThrownBy(() -> reader.tailLines(-1)).isInstanceOf(InvalidRangeException.class);
    }

    @Test
    void readChunksPagesThroughTheWholeLog() {
        TestArchives.Built built = ciLog(5, 600_000);
        SeekableArchiveReader reader = built.reader();
        for (int pageSize : new int[] {1, 7, 100, 100_000}) {
            List<LogChunk> all = new ArrayList<>();
            long next = 0;
            while (true) {
                List<LogChunk> page = reader.readChunks(next, pageSize);
                if (page.isEmpty()) {
                    break;
                }
                assertThat(page.size()).isLessThanOrEqualTo(pageSize);
                all.addAll(page);
                next = page.get(page.size() - 1).seq() + 1;
            }
            assertThat(all).as("page size %d", pageSize).isEqualTo(built.chunks());
        }
        assertThat(reader.readChunks(reader.chunkCount(), 10)).isEmpty();
        assertThat(reader.readChunks(3, 0)).isEmpty();
    }

    @Test
    void chunkIndexEntriesDescribeEachChunk() {
        TestArchives.Built built = ciLog(6, 200_000);
        SeekableArchiveReader reader = built.reader();
        long offset = 0;
        for (LogChunk chunk : built.chunks()) {
            ChunkIndexEntry entry = reader.chunk(chunk.seq());
            CRC32C crc = new CRC32C();
            crc.update(chunk.data());
            assertThat(entry).isEqualTo(new ChunkIndexEntry(chunk.seq(), offset, chunk.length(), chunk.stream(),
                    chunk.timestampMillis(), (int) crc.getValue()));
            offset += chunk.length();
        }
    }

    /** Logs whose lines are awkward: empty, unterminated, only newlines, CRLF, newlines at frame edges, one long line. */
    private static List<byte[]> lineShapes() {
        List<byte[]> logs = new ArrayList<>();
        logs.add(new byte[0]);
        logs.add("a".getBytes(StandardCharsets.US_ASCII));
        logs.add("\n".getBytes(StandardCharsets.US_ASCII));
        logs.add("\n\n\n".getBytes(StandardCharsets.US_ASCII));
        logs.add("a\nb\nc".getBytes(StandardCharsets.US_ASCII));
        logs.add("a\nb\nc\n".getBytes(StandardCharsets.US_ASCII));
        logs.add("a\r\nb\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        logs.add(CiLogGenerator.generate(7, 400_000));
        byte[] newlineAtBoundary = new byte[2 * FRAME];
        Arrays.fill(newlineAtBoundary, (byte) 'y');
        newlineAtBoundary[FRAME - 1] = '\n';
        newlineAtBoundary[FRAME] = '\n';
        newlineAtBoundary[2 * FRAME - 1] = '\n';
        logs.add(newlineAtBoundary);
        byte[] oneLongLine = new byte[3 * FRAME + 5];
        Arrays.fill(oneLongLine, (byte) 'z');
        logs.add(oneLongLine);
        return logs;
    }

    @Test
    void tailLinesMatchesTheReferenceOnManyShapes() {
        List<byte[]> logs = lineShapes();
        for (byte[] log : logs) {
            SeekableArchiveReader reader = TestArchives.ofLog(log, 9_000, 1, TestArchives.smallFrames()).reader();
            for (int n : new int[] {0, 1, 2, 3, 5, 10, 100, 1_000, 5_000, 100_000, Integer.MAX_VALUE}) {
                assertThat(reader.tailLines(n)).as("tail -n %d of a %d-byte log", n, log.length)
                        .isEqualTo(referenceTail(log, n));
            }
        }
    }

    @Test
    void tailLinesMatchesTheTailCommand() throws Exception {
        Path tail = ExternalTools.require("tail", "coreutils");
        List<byte[]> logs = List.of(
                CiLogGenerator.generate(8, 300_000),
                "no trailing newline\nsecond".getBytes(StandardCharsets.US_ASCII),
                "\n\nblank lines\n\n".getBytes(StandardCharsets.US_ASCII));
        for (byte[] log : logs) {
            Path file = dir.resolve("log.txt");
            Files.write(file, log);
            SeekableArchiveReader reader = TestArchives.ofLog(log, 4_000, 2, TestArchives.smallFrames()).reader();
            for (int n : new int[] {0, 1, 2, 4, 50, 2_000, 1_000_000}) {
                ExternalTools.Result result = ExternalTools.run(List.of(tail.toString(), "-n", Integer.toString(n),
                        file.toString()));
                assertThat(result.exitCode()).as(result.describe()).isZero();
                assertThat(reader.tailLines(n)).as("tail -n %d", n).isEqualTo(result.stdout());
            }
        }
    }

    @Test
    void tailLinesReadsOnlyTheFramesItNeeds() {
        TestArchives.Built built = ciLog(9, 40 * FRAME);
        CountingSource source = new CountingSource(built.archive());
        SeekableArchiveReader reader = SeekableArchiveReader.open(source, JOB);
        int opened = source.bytesRead.get();
        byte[] lines = reader.tailLines(5);
        assertThat(lines).isEqualTo(referenceTail(built.log(), 5));
        // Five short lines live in the last frame or two: far less than the archive.
        assertThat(source.bytesRead.get() - opened).isLessThan(built.archive().length / 10);
    }

    @Test
    void eachFrameRecordsTheNewlinesBeforeItsFirstByte() {
        List<byte[]> logs = new ArrayList<>();
        logs.add(CiLogGenerator.generate(11, 300_000));
        byte[] newlineAtBoundary = new byte[3 * FRAME];
        Arrays.fill(newlineAtBoundary, (byte) 'y');
        newlineAtBoundary[FRAME - 1] = '\n'; // the last byte of frame 0: frame 1 starts a line
        newlineAtBoundary[FRAME] = '\n'; // the first byte of frame 1: not counted before it
        logs.add(newlineAtBoundary);
        for (byte[] log : logs) {
            SeekableArchiveReader reader = TestArchives.ofLog(log, 5_000, 3, TestArchives.smallFrames()).reader();
            assertThat(reader.frameCount()).isGreaterThan(1);
            for (int f = 0; f < reader.frameCount(); f++) {
                long before = referenceLineCount(Arrays.copyOf(log, (int) reader.frameRawOffset(f)));
                assertThat(reader.frameFirstLine(f)).as("frame %d", f).isEqualTo(before);
            }
        }
    }

    @Test
    void readLinesMatchesTheReferenceOnManyShapes() {
        List<byte[]> logs = lineShapes();
        Random rnd = new Random(5);
        for (byte[] log : logs) {
            SeekableArchiveReader reader = TestArchives.ofLog(log, 9_000, 1, TestArchives.smallFrames()).reader();
            long lines = referenceLineCount(log) + (log.length > 0 && log[log.length - 1] != '\n' ? 1 : 0);
            List<long[]> asks = new ArrayList<>();
            for (long from = 1; from <= Math.min(lines + 2, 8); from++) {
                for (int count : new int[] {0, 1, 2, 3, 100}) {
                    asks.add(new long[] {from, count});
                }
            }
            for (int i = 0; i < 40; i++) {
                asks.add(new long[] {1 + rnd.nextInt((int) lines + 2), rnd.nextInt(2_000)});
            }
            asks.add(new long[] {lines, Integer.MAX_VALUE});
            asks.add(new long[] {lines + 1, 1});
            for (long[] ask : asks) {
                if (ask[0] < 1) {
                    continue;
                }
                byte[] expected = dev.cinch.logs.testkit.LogReference.lines(log, ask[0], (int) ask[1]);
                String what = String.format("lines %d+%d of a %d-byte log", ask[0], ask[1], log.length);
                if (expected == null) {
                    assertThatThrownBy(() -> reader.readLines(ask[0], (int) ask[1])).as(what)
                            .isInstanceOf(dev.cinch.logs.LinesBeyondEndException.class).hasMessageContaining("job-1");
                } else {
                    assertThat(reader.readLines(ask[0], (int) ask[1])).as(what).isEqualTo(expected);
                }
            }
            assertThatThrownBy(() -> reader.readLines(lines + 2, 1)).isInstanceOf(InvalidRangeException.class)
                    .hasMessageContaining("line " + (lines + 2));
            assertThatThrownBy(() -> reader.readLines(0, 1)).isInstanceOf(InvalidRangeException.class);
            assertThatThrownBy(() -> reader.readLines(1, -1)).isInstanceOf(InvalidRangeException.class);
        }
    }

    @Test
    void readLinesReadsOnlyTheFramesItNeeds() {
        TestArchives.Built built = ciLog(12, 40 * FRAME);
        CountingSource source = new CountingSource(built.archive());
        SeekableArchiveReader reader = SeekableArchiveReader.open(source, JOB);
        reader.chunk(0); // the index, read once per reader
        long middle = reader.lineCount() / 2;
        int before = source.bytesRead.get();
        byte[] lines = reader.readLines(middle, 5);
        assertThat(lines).isEqualTo(dev.cinch.logs.testkit.LogReference.lines(built.log(), middle, 5));
        // Five short lines in the middle live in one frame or two: far less than the archive.
        assertThat(source.bytesRead.get() - before).isLessThan(built.archive().length / 10);
    }

    @Test
    void openIsOneReadForSmallSeekTablesAndIndexLoadIsLazy() {
        TestArchives.Built built = ciLog(10, 20 * FRAME);
        CountingSource source = new CountingSource(built.archive());
        SeekableArchiveReader reader = SeekableArchiveReader.open(source, JOB);
        assertThat(source.reads.get()).isEqualTo(1);
        assertThat(reader.chunkCount()).isEqualTo(built.chunks().size());
        reader.readRange(FRAME * 3L, 10);
        assertThat(source.reads.get()).as("a range in one frame is one more read").isEqualTo(2);
        reader.chunk(0);
        int afterIndex = source.reads.get();
        reader.chunk(1);
        reader.readChunks(0, 1);
        assertThat(source.reads.get()).as("index is loaded once").isEqualTo(afterIndex + 1);
    }

    @Test
    void emptyLogReadsAsEmpty() {
        TestArchives.Built built = TestArchives.build(List.of(), ArchiveOptions.defaults());
        SeekableArchiveReader reader = built.reader();
        assertThat(reader.rawSize()).isZero();
        assertThat(reader.chunkCount()).isZero();
        assertThat(reader.lineCount()).isZero();
        assertThat(reader.crc32c()).isZero();
        assertThat(reader.readRange(0, 10)).isEmpty();
        assertThat(reader.readChunks(0, 10)).isEmpty();
        assertThat(reader.tailLines(3)).isEmpty();
        assertThat(reader.readLines(1, 3)).isEmpty();
        assertThatThrownBy(() -> reader.readLines(2, 3)).isInstanceOf(dev.cinch.logs.LinesBeyondEndException.class);
        reader.verifyAll();
    }

    @Test
    void emptyChunksKeepTheirSeqAndMetadata() {
        List<byte[]> chunks = List.of(new byte[0], "x\n".getBytes(StandardCharsets.US_ASCII), new byte[0], new byte[0]);
        TestArchives.Built built = TestArchives.build(chunks, TestArchives.smallFrames());
        SeekableArchiveReader reader = built.reader();
        assertThat(reader.readChunks(0, 10)).isEqualTo(built.chunks());
        reader.verifyAll();
    }

    @Test
    void fileByteSourceReadsTheSameArchive() throws IOException {
        TestArchives.Built built = ciLog(11, 300_000);
        Path file = dir.resolve("archive.zst");
        Files.write(file, built.archive());
        try (FileByteSource source = FileByteSource.open(file)) {
            SeekableArchiveReader reader = SeekableArchiveReader.open(source, JOB);
            assertThat(reader.readRange(0, Integer.MAX_VALUE)).isEqualTo(built.log());
            assertThat(reader.readChunks(0, Integer.MAX_VALUE)).isEqualTo(built.chunks());
            reader.verifyAll();
        }
    }

    @Test
    void concurrentReadersShareOneLazyIndex() throws Exception {
        // Tiny chunks make the index larger than the open read, so the lazy load must fetch it (exactly once).
        TestArchives.Built built = TestArchives.ofLog(CiLogGenerator.generate(12, 1_000_000), 40, 12,
                TestArchives.smallFrames());
        CountingSource source = new CountingSource(built.archive());
        SeekableArchiveReader reader = SeekableArchiveReader.open(source, JOB);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    Random random = new Random(seed);
                    for (int i = 0; i < 200; i++) {
                        int offset = random.nextInt(built.log().length);
                        int length = random.nextInt(100_000);
                        assertThat(reader.readRange(offset, length)).isEqualTo(Arrays.copyOfRange(built.log(), offset,
                                Math.min(built.log().length, offset + length)));
                        int seq = random.nextInt(built.chunks().size());
                        assertThat(reader.readChunks(seq, 3)).isEqualTo(
                                built.chunks().subList(seq, Math.min(built.chunks().size(), seq + 3)));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(source.indexLoads(reader)).isEqualTo(1);
    }

    @Test
    void largeSeekTableTakesTwoReadsAtOpen() throws IOException {
        // More than 8183 frames: the seek table and index trailer no longer fit in the 64 KiB tail read.
        int frames = 8_200;
        byte[] block = CiLogGenerator.generate(13, FRAME);
        block = Arrays.copyOf(block, FRAME);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SeekableArchiveWriter writer = new SeekableArchiveWriter(out, new ArchiveOptions(FRAME, 1))) {
            for (int i = 0; i < frames; i++) {
                writer.addChunk(LogStream.STDOUT, i, block);
            }
            writer.finish();
        }
        byte[] archive = out.toByteArray();
        CountingSource source = new CountingSource(archive);
        SeekableArchiveReader reader = SeekableArchiveReader.open(source, JOB);
        assertThat(source.reads.get()).isEqualTo(2);
        assertThat(reader.frameCount()).isEqualTo(frames);
        assertThat(reader.rawSize()).isEqualTo((long) frames * FRAME);
        assertThat(reader.readRange((long) (frames - 1) * FRAME + 5, 20)).isEqualTo(Arrays.copyOfRange(block, 5, 25));
        assertThat(reader.chunk(frames - 1).rawOffset()).isEqualTo((long) (frames - 1) * FRAME);
    }

    // ---- references and helpers ----

    static long referenceLineCount(byte[] log) {
        long n = 0;
        for (byte b : log) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }

    /** tail -n semantics, the obvious way: split into lines (keeping terminators), take the last n. */
    static byte[] referenceTail(byte[] log, int n) {
        List<int[]> lines = dev.cinch.logs.testkit.LogReference.lineSpans(log);
        if (n == 0 || lines.isEmpty()) {
            return new byte[0];
        }
        int first = Math.max(0, lines.size() - n);
        return Arrays.copyOfRange(log, lines.get(first)[0], log.length);
    }

    /** Counts reads, to check the cost claims of the reader's javadoc. */
    static final class CountingSource implements ByteSource {
        private final ArrayByteSource delegate;
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger bytesRead = new AtomicInteger();
        private final AtomicInteger indexFrameReads = new AtomicInteger();
        private final long indexFrameStart;

        CountingSource(byte[] archive) {
            this.delegate = new ArrayByteSource(archive);
            this.indexFrameStart = findIndexFrame(archive);
        }

        private static long findIndexFrame(byte[] archive) {
            SeekableArchiveReader probe = SeekableArchiveReader.open(new ArrayByteSource(archive), JOB);
            int frames = probe.frameCount();
            // Sum the compressed sizes from the seek table: entries start 8 + 9 + 8 * frames before the end.
            int entries = archive.length - 9 - 8 * frames;
            long sum = 0;
            for (int i = 0; i < frames; i++) {
                sum += Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(archive, entries + 8 * i, 4)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
            }
            return sum + probe.filterFrameBytes(); // the filter frame sits between the data and the index
        }

        int indexLoads(SeekableArchiveReader ignored) {
            return indexFrameReads.get();
        }

        @Override
        public long size() {
            return delegate.size();
        }

        @Override
        public void readFully(long position, byte[] dst, int off, int len) throws IOException {
            reads.incrementAndGet();
            bytesRead.addAndGet(len);
            if (position == indexFrameStart) {
                indexFrameReads.incrementAndGet();
            }
            delegate.readFully(position, dst, off, len);
        }

        @Override
        public void close() {
        }
    }
}
