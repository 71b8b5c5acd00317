package dev.cinch.logs.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Checks the bytes of an archive against the seekable format document and docs/adr/0001-archive-format.md,
 * recomputing every expected value here rather than reusing the writer's code.
 */
class ArchiveLayoutTest {
    private static final int FRAME = ArchiveOptions.MIN_FRAME_RAW_BYTES;

    /** A tiny known log spanning two frames: FRAME bytes of lines, then "tail\n" + "no newline". */
    private static TestArchives.Built tinyLog() {
        byte[] line = "0123456789abcde\n".getBytes(StandardCharsets.US_ASCII); // 16 bytes
        byte[] first = new byte[FRAME];
        for (int i = 0; i < FRAME; i += line.length) {
            System.arraycopy(line, 0, first, i, line.length);
        }
        List<byte[]> chunks = new ArrayList<>();
        chunks.add(Arrays.copyOfRange(first, 0, 1000));
        chunks.add(Arrays.copyOfRange(first, 1000, FRAME));
        chunks.add("tail\n".getBytes(StandardCharsets.US_ASCII));
        chunks.add(new byte[0]);
        chunks.add("no newline".getBytes(StandardCharsets.US_ASCII));
        return TestArchives.build(chunks, TestArchives.smallFrames());
    }

    @Test
    void seekTableMatchesTheFormatDocumentByteForByte() {
        TestArchives.Built built = tinyLog();
        byte[] archive = built.archive();

        // Find the data frames independently: zstd frames one after another from offset 0.
        long frame0 = Zstd.findFrameCompressedSize(archive, 0, archive.length);
        long frame1 = Zstd.findFrameCompressedSize(archive, (int) frame0, archive.length - (int) frame0);
        assertThat(frame0).isPositive();
        assertThat(frame1).isPositive();
        assertThat(archive[0] & 0xFF).isEqualTo(0x28); // zstd frame magic FD2FB528, little-endian
        assertThat(archive[1] & 0xFF).isEqualTo(0xB5);
        assertThat(archive[2] & 0xFF).isEqualTo(0x2F);
        assertThat(archive[3] & 0xFF).isEqualTo(0xFD);

        ByteBuffer expected = ByteBuffer.allocate(8 + 2 * 8 + 9).order(ByteOrder.LITTLE_ENDIAN);
        expected.putInt(0x184D2A5E);           // Skippable_Magic_Number
        expected.putInt(2 * 8 + 9);            // Frame_Size: entries + footer
        expected.putInt((int) frame0).putInt(FRAME);               // entry 0: Compressed_Size, Decompressed_Size
        expected.putInt((int) frame1).putInt(5 + 10);              // entry 1
        expected.putInt(2);                    // Number_Of_Frames
        expected.put((byte) 0);                // Seek_Table_Descriptor: no checksums, reserved bits 0
        expected.putInt(0x8F92EAB1);           // Seekable_Magic_Number
        byte[] tail = Arrays.copyOfRange(archive, archive.length - expected.capacity(), archive.length);
        assertThat(tail).isEqualTo(expected.array());

        // The same values spelled as literal bytes, as the document shows them.
        assertThat(Arrays.copyOfRange(tail, 0, 4)).containsExactly(0x5E, 0x2A, 0x4D, 0x18);
        assertThat(Arrays.copyOfRange(tail, tail.length - 4, tail.length)).containsExactly(0xB1, 0xEA, 0x92, 0x8F);
    }

    @Test
    void indexFrameSitsBetweenDataAndSeekTableWithTheDocumentedLayout() {
        TestArchives.Built built = tinyLog();
        byte[] archive = built.archive();
        ByteBuffer b = ByteBuffer.wrap(archive).order(ByteOrder.LITTLE_ENDIAN);
        long frame0 = Zstd.findFrameCompressedSize(archive, 0, archive.length);
        long frame1 = Zstd.findFrameCompressedSize(archive, (int) frame0, archive.length - (int) frame0);
        int indexAt = (int) (frame0 + frame1);
        int seekTableLength = 8 + 2 * 8 + 9;
        int indexLength = archive.length - seekTableLength - indexAt;

        assertThat(Arrays.copyOfRange(archive, indexAt, indexAt + 4)).containsExactly(0x5C, 0x2A, 0x4D, 0x18);
        assertThat(b.getInt(indexAt + 4)).isEqualTo(indexLength - 8); // Frame_Size covers the payload only
        assertThat(new String(archive, indexAt + 8, 8, StandardCharsets.US_ASCII)).isEqualTo("CINCHIDX");

        int trailer = archive.length - seekTableLength - 60;
        assertThat(b.getInt(trailer)).as("frameCount").isEqualTo(2);
        assertThat(b.getLong(trailer + 4)).as("chunkCount").isEqualTo(5);
        assertThat(b.getLong(trailer + 12)).as("rawSize").isEqualTo(FRAME + 15);
        assertThat(b.getLong(trailer + 20)).as("lineCount").isEqualTo(FRAME / 16 + 1);
        CRC32C whole = new CRC32C();
        whole.update(built.log());
        assertThat(b.getInt(trailer + 28)).as("log crc32c").isEqualTo((int) whole.getValue());
        int bodyRaw = b.getInt(trailer + 32);
        int bodyStored = b.getInt(trailer + 36);
        assertThat(bodyRaw).as("body raw length").isEqualTo(2 * 8 + 5 * 25);
        assertThat(8 + 8 + bodyStored + 60).as("index frame length").isEqualTo(indexLength);
        CRC32C bodyCrc = new CRC32C();
        bodyCrc.update(archive, indexAt + 16, bodyStored);
        assertThat(b.getInt(trailer + 40)).as("body crc32c").isEqualTo((int) bodyCrc.getValue());
        assertThat(b.getLong(trailer + 44)).as("last timestamp").isEqualTo(built.chunks().get(4).timestampMillis());
        assertThat(archive[trailer + 52]).as("version").isEqualTo((byte) 2);
        int flags = archive[trailer + 53];
        assertThat(flags & ~1).as("unknown flags").isZero();
        assertThat(b.getShort(trailer + 54)).as("trailer length").isEqualTo((short) 60);
        CRC32C trailerCrc = new CRC32C();
        trailerCrc.update(archive, trailer, 56);
        assertThat(b.getInt(trailer + 56)).as("trailer crc32c").isEqualTo((int) trailerCrc.getValue());

        // Decode the body by hand and check the per-frame and per-chunk entries.
        byte[] stored = Arrays.copyOfRange(archive, indexAt + 16, indexAt + 16 + bodyStored);
        byte[] body = (flags & 1) != 0 ? Zstd.decompress(stored, bodyRaw) : stored;
        ByteBuffer body16 = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(body16.getLong(0)).as("frame 0 first line").isZero();
        assertThat(body16.getLong(8)).as("frame 1 first line").isEqualTo(FRAME / 16);
        long offset = 0;
        for (int seq = 0; seq < 5; seq++) {
            int at = 16 + seq * 25;
            byte[] data = built.chunks().get(seq).data();
            CRC32C crc = new CRC32C();
            crc.update(data);
            assertThat(body16.getLong(at)).as("offset of %d", seq).isEqualTo(offset);
            assertThat(body16.getInt(at + 8)).as("length of %d", seq).isEqualTo(data.length);
            assertThat(body[at + 12]).as("stream of %d", seq).isEqualTo((byte) built.chunks().get(seq).stream().code());
            assertThat(body16.getLong(at + 13)).isEqualTo(built.chunks().get(seq).timestampMillis());
            assertThat(body16.getInt(at + 21)).isEqualTo((int) crc.getValue());
            offset += data.length;
        }
    }

    @Test
    void dataFramesCarryContentChecksumAndContentSize() {
        byte[] archive = tinyLog().archive();
        // Frame_Header_Descriptor is the byte after the magic: bit 2 = Content_Checksum_flag,
        // bits 7-6 = Frame_Content_Size_flag (non-zero, or Single_Segment_flag bit 5 set).
        int descriptor = archive[4] & 0xFF;
        assertThat(descriptor & 0x04).as("content checksum flag").isNotZero();
        assertThat(Zstd.getFrameContentSize(archive, 0, archive.length)).isEqualTo(FRAME);
    }

    @Test
    void emptyLogIsIndexFrameAndSeekTableOnly() {
        TestArchives.Built built = TestArchives.build(List.of(), ArchiveOptions.defaults());
        byte[] archive = built.archive();
        assertThat(Arrays.copyOfRange(archive, 0, 4)).containsExactly(0x5C, 0x2A, 0x4D, 0x18);
        assertThat(archive.length).isEqualTo(8 + 8 + 60 + 8 + 9);
        byte[] seekTable = Arrays.copyOfRange(archive, archive.length - 17, archive.length);
        assertThat(seekTable).containsExactly(0x5E, 0x2A, 0x4D, 0x18, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0xB1, 0xEA, 0x92, 0x8F);
        assertThat(built.summary().frameCount()).isZero();
        assertThat(built.summary().archiveBytes()).isEqualTo(archive.length);
    }

    /**
     * Archives written before the last timestamp moved into the trailer (index version 1, 52-byte trailer) are still
     * read: rebuilt here byte by byte from a version 2 archive, as the ADR's version 1 layout describes them.
     */
    @Test
    void versionOneArchivesAreStillRead() {
        TestArchives.Built built = tinyLog();
        byte[] v2 = built.archive();
        int seekTableLength = 8 + 2 * 8 + 9;
        int trailer = v2.length - seekTableLength - 60;
        byte[] v1 = new byte[v2.length - 8];
        System.arraycopy(v2, 0, v1, 0, trailer + 44);                              // everything up to the body CRC
        System.arraycopy(v2, trailer + 60, v1, trailer + 52, seekTableLength);      // the seek table, unchanged
        ByteBuffer b = ByteBuffer.wrap(v1).order(ByteOrder.LITTLE_ENDIAN);
        v1[trailer + 44] = 1;                                                      // version
        v1[trailer + 45] = v2[trailer + 53];                                       // flags
        b.putShort(trailer + 46, (short) 52);                                      // trailer length
        CRC32C crc = new CRC32C();
        crc.update(v1, trailer, 48);
        b.putInt(trailer + 48, (int) crc.getValue());
        long frame0 = Zstd.findFrameCompressedSize(v1, 0, v1.length);
        long frame1 = Zstd.findFrameCompressedSize(v1, (int) frame0, v1.length - (int) frame0);
        int indexAt = (int) (frame0 + frame1);
        b.putInt(indexAt + 4, b.getInt(indexAt + 4) - 8);                        // index Frame_Size

        SeekableArchiveReader reader = SeekableArchiveReader.open(new ArrayByteSource(v1), dev.cinch.logs.JobId.of("v1"));
        reader.verifyAll();
        assertThat(reader.chunkCount()).isEqualTo(5);
        assertThat(reader.lastTimestampMillis()).isEqualTo(built.chunks().get(4).timestampMillis());
        assertThat(reader.readRange(0, (int) reader.rawSize())).isEqualTo(built.log());
        assertThat(reader.readChunks(0, 10)).isEqualTo(built.chunks());
    }
}
