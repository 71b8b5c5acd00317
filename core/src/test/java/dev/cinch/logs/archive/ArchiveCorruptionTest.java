package dev.cinch.logs.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.github.luben.zstd.Zstd;
import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.testkit.CiLogGenerator;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Damaged archives must fail with CorruptLogException naming the job: never wrong bytes, never another error. */
class ArchiveCorruptionTest {
    private static final JobId JOB = JobId.of("damaged-job");

    private static TestArchives.Built sample() {
        byte[] log = CiLogGenerator.generate(21, 3 * ArchiveOptions.MIN_FRAME_RAW_BYTES + 999);
        return TestArchives.ofLog(log, 3_000, 21, TestArchives.smallFrames());
    }

    private static SeekableArchiveReader open(byte[] archive) {
        return SeekableArchiveReader.open(new ArrayByteSource(archive), JOB);
    }

    private static byte[] flipped(byte[] archive, long position) {
        byte[] copy = archive.clone();
        copy[(int) position] ^= 0x10;
        return copy;
    }

    private static int seekTableStart(byte[] archive, int frames) {
        return archive.length - (8 + 8 * frames + 9);
    }

    private static int indexFrameStart(byte[] archive) {
        int at = 0;
        while (true) {
            long length = Zstd.findFrameCompressedSize(archive, at, archive.length - at);
            if ((archive[at] & 0xFF) == 0x5C && (archive[at + 3] & 0xFF) == 0x18) { // the index's skippable frame
                return at;
            }
            at += (int) length;
        }
    }

    @Test
    void flippedByteInADataFrameFailsRangeReadsAndVerification() {
        TestArchives.Built built = sample();
        int firstFrame = (int) Zstd.findFrameCompressedSize(built.archive(), 0, built.archive().length);
        byte[] damaged = flipped(built.archive(), firstFrame / 2);
        SeekableArchiveReader reader = open(damaged);
        assertThatThrownBy(() -> reader.readRange(0, 100)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("damaged-job").hasMessageContaining("archive byte 0");
        assertThatThrownBy(() -> reader.readChunks(0, 5)).isInstanceOf(CorruptLogException.class);
        assertThatThrownBy(reader::verifyAll).isInstanceOf(CorruptLogException.class);
        // Frames that are intact still read.
        long second = ArchiveOptions.MIN_FRAME_RAW_BYTES;
        assertThat(reader.readRange(second, 10)).isEqualTo(Arrays.copyOfRange(built.log(), (int) second,
                (int) second + 10));
    }

    @Test
    void flippedByteInTheIndexBodyFailsChunkReads() {
        TestArchives.Built built = sample();
        int index = indexFrameStart(built.archive());
        byte[] damaged = flipped(built.archive(), index + 16 + 3);
        SeekableArchiveReader reader = open(damaged);
        assertThatThrownBy(() -> reader.readChunks(0, 1)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("archive byte " + (index + 16));
        assertThatThrownBy(() -> reader.chunk(0)).isInstanceOf(CorruptLogException.class);
        assertThatThrownBy(reader::verifyAll).isInstanceOf(CorruptLogException.class);
    }

    @Test
    void flippedByteInTheFilterFrameFailsVerificationAndFilteringButNotReads() {
        TestArchives.Built built = sample();
        int filterAt = indexFrameStart(built.archive()); // the filter frame ends where the index frame starts
        SeekableArchiveReader intact = open(built.archive());
        int start = filterAt - (int) intact.filterFrameBytes();
        for (int at : new int[] {start + 3, start + 12, start + 30, filterAt - 5, filterAt - 1}) {
            byte[] damaged = flipped(built.archive(), at);
            SeekableArchiveReader reader = open(damaged);
            assertThatThrownBy(reader::verifyAll).as("byte %d", at).isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining("damaged-job").hasMessageContaining("archive byte ");
            assertThatThrownBy(() -> reader.framesThatMayContain("ERROR".getBytes())).as("byte %d", at)
                    .isInstanceOf(CorruptLogException.class);
            assertThat(reader.readRange(0, 100)).isEqualTo(Arrays.copyOf(built.log(), 100));
        }
    }

    @Test
    void flippedByteInTheIndexTrailerFailsOpen() {
        TestArchives.Built built = sample();
        int trailer = seekTableStart(built.archive(), built.summary().frameCount()) - 64;
        for (int i = 0; i < 64; i++) {
            byte[] damaged = flipped(built.archive(), trailer + i);
            assertThatThrownBy(() -> open(damaged)).as("trailer byte %d", i).isInstanceOf(CorruptLogException.class);
        }
    }

    @Test
    void damagedSeekTableFailsOpen() {
        TestArchives.Built built = sample();
        byte[] archive = built.archive();
        int frames = built.summary().frameCount();
        int st = seekTableStart(archive, frames);
        // Magic, Frame_Size, each entry's sizes, Number_Of_Frames, reserved descriptor bits, seekable magic.
        for (int position : new int[] {st, st + 5, st + 8, st + 12, st + 8 + 8 * (frames - 1) + 4,
                archive.length - 9, archive.length - 1}) {
            byte[] damaged = flipped(archive, position);
            assertThatThrownBy(() -> open(damaged)).as("seek table byte at %d", position)
                    .isInstanceOf(CorruptLogException.class).hasMessageContaining("damaged-job");
        }
        byte[] reservedBit = archive.clone();
        reservedBit[archive.length - 5] |= 0x04;
        assertThatThrownBy(() -> open(reservedBit)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("reserved bits").hasMessageContaining("archive byte " + (archive.length - 5));
        byte[] checksumFlag = archive.clone();
        checksumFlag[archive.length - 5] |= (byte) 0x80;
        assertThatThrownBy(() -> open(checksumFlag)).isInstanceOf(CorruptLogException.class);
    }

    @Test
    void truncatedOrPaddedArchivesFailOpen() {
        byte[] archive = sample().archive();
        for (int cut : new int[] {1, 4, 9, 17, 60, archive.length / 2, archive.length - 1}) {
            byte[] truncated = Arrays.copyOf(archive, archive.length - cut);
            assertThatThrownBy(() -> open(truncated)).as("cut %d", cut).isInstanceOf(CorruptLogException.class);
        }
        byte[] prefixed = new byte[archive.length + 7];
        System.arraycopy(archive, 0, prefixed, 7, archive.length);
        assertThatThrownBy(() -> open(prefixed)).isInstanceOf(CorruptLogException.class);
        assertThatThrownBy(() -> open(new byte[0])).isInstanceOf(CorruptLogException.class);
        assertThatThrownBy(() -> open("not an archive at all, just text".repeat(10).getBytes()))
                .isInstanceOf(CorruptLogException.class);
    }

    /**
     * Single-bit flips all over a small two-frame archive: every byte of the small second frame, the index and the
     * seek table, and every 5th byte of the large first frame. Each operation either returns exactly the right
     * answer or throws CorruptLogException; nothing else (no wrong bytes, no IndexOutOfBounds, no huge allocation).
     */
    @Test
    void singleBitFlipsAnywhereAreDetectedOrHarmless() {
        byte[] log = CiLogGenerator.generate(22, ArchiveOptions.MIN_FRAME_RAW_BYTES + 3_000);
        TestArchives.Built built = TestArchives.ofLog(log, 2_000, 22, TestArchives.smallFrames());
        byte[] archive = built.archive();
        int firstFrameEnd = (int) Zstd.findFrameCompressedSize(archive, 0, archive.length);
        int tried = 0;
        int detected = 0;
        for (int position = 0; position < archive.length; position += position < firstFrameEnd ? 5 : 1) {
            tried++;
            byte[] damaged = archive.clone();
            damaged[position] ^= (byte) (position % 2 == 0 ? 0x01 : 0x80);
            SeekableArchiveReader reader;
            try {
                reader = open(damaged);
            } catch (CorruptLogException expected) {
                assertThat(expected).hasMessageContaining("damaged-job");
                detected++;
                continue;
            }
            String where = "flip at " + position;
            expectRightOrCorrupt(where, () -> reader.readRange(0, Integer.MAX_VALUE), built.log());
            expectRightOrCorrupt(where, () -> reader.tailLines(7), SeekableArchiveReaderTest.referenceTail(log, 7));
            expectRightOrCorrupt(where, () -> reader.readChunks(0, Integer.MAX_VALUE), built.chunks());
            try {
                reader.verifyAll();
            } catch (CorruptLogException expected) {
                detected++;
            }
        }
        // Almost every flip is caught; the rest hit bits no decoder interprets (e.g. the descriptor's unused bits).
        assertThat(detected).isGreaterThan(tried * 95 / 100);
    }

    private static <T> void expectRightOrCorrupt(String where, Supplier<T> operation, Object expected) {
        Object actual;
        try {
            actual = operation.get();
        } catch (CorruptLogException e) {
            assertThat(e).hasMessageContaining("damaged-job");
            return;
        } catch (RuntimeException e) {
            throw new AssertionError(where + ": unexpected " + e, e);
        }
        if (expected instanceof byte[] bytes) {
            assertThat((byte[]) actual).as(where).isEqualTo(bytes);
        } else if (expected instanceof List<?> list) {
            @SuppressWarnings("unchecked")
            List<LogChunk> chunks = (List<LogChunk>) actual;
            if (!chunks.equals(list)) {
                fail(where + ": chunks differ");
            }
        }
    }
}
