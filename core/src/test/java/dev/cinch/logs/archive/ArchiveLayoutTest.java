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
    void filterAndIndexFramesSitBetweenDataAndSeekTableWithTheDocumentedLayout() {
        TestArchives.Built built = tinyLog();
        byte[] archive = built.archive();
        ByteBuffer b = ByteBuffer.wrap(archive).order(ByteOrder.LITTLE_ENDIAN);
        long frame0 = Zstd.findFrameCompressedSize(archive, 0, archive.length);
        long frame1 = Zstd.findFrameCompressedSize(archive, (int) frame0, archive.length - (int) frame0);
        int filterAt = (int) (frame0 + frame1);
        assertThat(Arrays.copyOfRange(archive, filterAt, filterAt + 4)).containsExactly(0x5B, 0x2A, 0x4D, 0x18);
        int filterLength = 8 + b.getInt(filterAt + 4);
        assertThat(new String(archive, filterAt + 8, 8, StandardCharsets.US_ASCII)).isEqualTo("CINCHFLT");
        assertThat(Arrays.copyOfRange(archive, filterAt + 16, filterAt + 20)).as("version, gram, normalisation, reserved")
                .containsExactly(1, 3, 2, 0);
        assertThat(b.getInt(filterAt + 20)).as("frames").isEqualTo(2);
        int bits = 0;
        for (int f = 0; f < 2; f++) {
            int bytes = b.getInt(filterAt + 24 + 5 * f);
            assertThat(bytes % 8).isZero();
            assertThat(archive[filterAt + 24 + 5 * f + 4]).as("hashes of frame %d", f).isBetween((byte) 1, (byte) 6);
            bits += bytes;
        }
        assertThat(24 + 2 * 5 + bits + 4).as("filter frame length").isEqualTo(filterLength);
        CRC32C filterCrc = new CRC32C();
        filterCrc.update(archive, filterAt + 8, filterLength - 12);
        assertThat(b.getInt(filterAt + filterLength - 4)).as("filter crc32c").isEqualTo((int) filterCrc.getValue());

        int indexAt = filterAt + filterLength;
        int seekTableLength = 8 + 2 * 8 + 9;
        int indexLength = archive.length - seekTableLength - indexAt;

        assertThat(Arrays.copyOfRange(archive, indexAt, indexAt + 4)).containsExactly(0x5C, 0x2A, 0x4D, 0x18);
        assertThat(b.getInt(indexAt + 4)).isEqualTo(indexLength - 8); // Frame_Size covers the payload only
        assertThat(new String(archive, indexAt + 8, 8, StandardCharsets.US_ASCII)).isEqualTo("CINCHIDX");

        int trailer = archive.length - seekTableLength - 64;
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
        assertThat(8 + 8 + bodyStored + 64).as("index frame length").isEqualTo(indexLength);
        CRC32C bodyCrc = new CRC32C();
        bodyCrc.update(archive, indexAt + 16, bodyStored);
        assertThat(b.getInt(trailer + 40)).as("body crc32c").isEqualTo((int) bodyCrc.getValue());
        assertThat(b.getLong(trailer + 44)).as("last timestamp").isEqualTo(built.chunks().get(4).timestampMillis());
        assertThat(b.getInt(trailer + 52)).as("filter frame length").isEqualTo(filterLength);
        assertThat(archive[trailer + 56]).as("version").isEqualTo((byte) 3);
        int flags = archive[trailer + 57];
        assertThat(flags & ~1).as("unknown flags").isZero();
        assertThat(b.getShort(trailer + 58)).as("trailer length").isEqualTo((short) 64);
        CRC32C trailerCrc = new CRC32C();
        trailerCrc.update(archive, trailer, 60);
        assertThat(b.getInt(trailer + 60)).as("trailer crc32c").isEqualTo((int) trailerCrc.getValue());

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
    void emptyLogIsFilterFrameIndexFrameAndSeekTableOnly() {
        TestArchives.Built built = TestArchives.build(List.of(), ArchiveOptions.defaults());
        byte[] archive = built.archive();
        assertThat(Arrays.copyOfRange(archive, 0, 4)).containsExactly(0x5B, 0x2A, 0x4D, 0x18);
        assertThat(Arrays.copyOfRange(archive, 28, 32)).containsExactly(0x5C, 0x2A, 0x4D, 0x18);
        assertThat(archive.length).isEqualTo(28 + 8 + 8 + 64 + 8 + 9);
        byte[] seekTable = Arrays.copyOfRange(archive, archive.length - 17, archive.length);
        assertThat(seekTable).containsExactly(0x5E, 0x2A, 0x4D, 0x18, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0xB1, 0xEA, 0x92, 0x8F);
        assertThat(built.summary().frameCount()).isZero();
        assertThat(built.summary().archiveBytes()).isEqualTo(archive.length);
    }

    /**
     * Archives written by earlier versions are still read: rebuilt here byte by byte from a version 3 archive, as the
     * ADR describes them: version 2 (60-byte trailer with the last timestamp, no filter frame) and version 1 (52-byte
     * trailer). They have no filters, so a search reads every frame of them.
     */
    @Test
    void versionOneAndTwoArchivesAreStillRead() {
        TestArchives.Built built = tinyLog();
        for (int version : new int[] {1, 2}) {
            byte[] old = olderVersion(built.archive(), 2, version);
            SeekableArchiveReader reader = SeekableArchiveReader.open(new ArrayByteSource(old), dev.cinch.logs.JobId.of("v" + version));
            reader.verifyAll();
            assertThat(reader.chunkCount()).isEqualTo(5);
            assertThat(reader.lastTimestampMillis()).isEqualTo(built.chunks().get(4).timestampMillis());
            assertThat(reader.readRange(0, (int) reader.rawSize())).isEqualTo(built.log());
            assertThat(reader.readChunks(0, 10)).isEqualTo(built.chunks());
            assertThat(reader.filterFrameBytes()).isZero();
            assertThat(reader.framesThatMayContain("line".getBytes(StandardCharsets.US_ASCII))).isEmpty();
            java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
            reader.copyVerified(copy);
            assertThat(copy.toByteArray()).as("exported as stored").isEqualTo(old);
        }
    }

    private static byte[] olderVersion(byte[] v3, int frames, int version) {
        ByteBuffer b = ByteBuffer.wrap(v3).order(ByteOrder.LITTLE_ENDIAN);
        int seekTableLength = 8 + frames * 8 + 9;
        int trailer = v3.length - seekTableLength - 64;
        int filterAt = 0;
        for (int i = 0; i < frames; i++) {
            filterAt += b.getInt(v3.length - seekTableLength + 8 + 8 * i);
        }
        int filterLength = 8 + b.getInt(filterAt + 4);
        int fields = version == 2 ? 52 : 44;
        int trailerLength = fields + 8;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(v3, 0, filterAt);                                                 // data frames
        int indexAt = filterAt + filterLength;
        byte[] head = Arrays.copyOfRange(v3, indexAt, trailer);                     // index header, magic, body
        ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putInt(4, b.getInt(indexAt + 4) - (64 - trailerLength));
        out.writeBytes(head);
        byte[] t = new byte[trailerLength];
        System.arraycopy(v3, trailer, t, 0, fields);
        ByteBuffer tb = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
        t[fields] = (byte) version;
        t[fields + 1] = v3[trailer + 57];                                           // flags
        tb.putShort(fields + 2, (short) trailerLength);
        CRC32C crc = new CRC32C();
        crc.update(t, 0, fields + 4);
        tb.putInt(fields + 4, (int) crc.getValue());
        out.writeBytes(t);
        out.write(v3, v3.length - seekTableLength, seekTableLength);                // the seek table, unchanged
        return out.toByteArray();
    }
}
