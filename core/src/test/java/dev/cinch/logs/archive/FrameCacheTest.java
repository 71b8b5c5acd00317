package dev.cinch.logs.archive;

import dev.cinch.logs.JobId;
import dev.cinch.logs.testkit.CiLogGenerator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class FrameCacheTest {

    private static TestArchives.Built bigArchive(long seed) {
        return TestArchives.ofLog(CiLogGenerator.generate(seed, 3 << 20), 8192, seed, TestArchives.smallFrames());
    }

    @Test
    void pagingThroughAnArchiveDecompressesEachFrameOnce() {
        TestArchives.Built built = bigArchive(1);
        FrameCache cache = new FrameCache(64L << 20);
        SeekableArchiveReader reader = SeekableArchiveReader.open(new ArrayByteSource(built.archive()), JobId.of("paged"), cache);
        byte[] log = built.log();
        for (int at = 0; at < log.length; at += 4096) {
            byte[] page = reader.readRange(at, 4096);
            assertThat(page).isEqualTo(java.util.Arrays.copyOfRange(log, at, Math.min(log.length, at + 4096)));
        }
        assertThat(cache.stats().decompressions()).as("one decompression per frame").isEqualTo(reader.frameCount());
        assertThat(cache.stats().hits()).isPositive();
        // Tails and chunk pages take the same frames from the cache.
        long before = cache.stats().decompressions();
        assertThat(reader.tailLines(50)).isNotEmpty();
        assertThat(reader.readChunks(0, 200)).hasSize(200);
        assertThat(cache.stats().decompressions()).isEqualTo(before);
    }

    @Test
    void memoryStaysWithinTheBoundWhateverIsRead() {
        long bound = 1 << 20; // four 256 KiB frames' worth; these archives use 64 KiB frames
        FrameCache cache = new FrameCache(bound);
        List<SeekableArchiveReader> readers = new ArrayList<>();
        List<TestArchives.Built> archives = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TestArchives.Built b = bigArchive(10 + i);
            archives.add(b);
            readers.add(SeekableArchiveReader.open(new ArrayByteSource(b.archive()), JobId.of("bounded-" + i), cache));
        }
        Random rnd = new Random(3);
        for (int n = 0; n < 2000; n++) {
            int which = rnd.nextInt(readers.size());
            byte[] log = archives.get(which).log();
            int at = rnd.nextInt(log.length);
            int len = rnd.nextInt(300_000);
            assertThat(readers.get(which).readRange(at, len))
                    .isEqualTo(java.util.Arrays.copyOfRange(log, at, Math.min(log.length, at + len)));
            assertThat(cache.bytes()).as("after read %d", n).isLessThanOrEqualTo(bound);
        }
        assertThat(cache.stats().frames()).isPositive();
    }

    @Test
    void aDisabledCacheKeepsNothingAndFramesBiggerThanTheBoundAreNotKept() {
        TestArchives.Built built = bigArchive(2);
        FrameCache off = FrameCache.disabled();
        SeekableArchiveReader reader = SeekableArchiveReader.open(new ArrayByteSource(built.archive()), JobId.of("off"), off);
        reader.readRange(0, 1000);
        reader.readRange(0, 1000);
        assertThat(off.bytes()).isZero();
        assertThat(off.stats().hits()).isZero();
        FrameCache tiny = new FrameCache(1000); // smaller than one frame
        SeekableArchiveReader r2 = SeekableArchiveReader.open(new ArrayByteSource(built.archive()), JobId.of("tiny"), tiny);
        r2.readRange(0, 1000);
        assertThat(tiny.bytes()).isZero();
    }

    @Test
    void anotherReaderOfTheSameNameNeverSeesTheFormerArchivesFrames() {
        FrameCache cache = new FrameCache(64L << 20);
        TestArchives.Built first = bigArchive(5);
        TestArchives.Built second = bigArchive(6);
        JobId job = JobId.of("replaced");
        SeekableArchiveReader a = SeekableArchiveReader.open(new ArrayByteSource(first.archive()), job, cache);
        assertThat(a.readRange(0, 5000)).isEqualTo(java.util.Arrays.copyOf(first.log(), 5000));
        SeekableArchiveReader b = SeekableArchiveReader.open(new ArrayByteSource(second.archive()), job, cache);
        assertThat(b.readRange(0, 5000)).isEqualTo(java.util.Arrays.copyOf(second.log(), 5000));
    }
}
