package dev.cinch.logs.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cinch.logs.LogStream;
import dev.cinch.logs.codec.Crc32c;
import dev.cinch.logs.testkit.CiLogGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class SeekableArchiveWriterTest {
    @Test
    void optionsAreValidated() {
        assertThat(ArchiveOptions.defaults()).isEqualTo(new ArchiveOptions(256 * 1024, 8));
        assertThatThrownBy(() -> new ArchiveOptions(64 * 1024 - 1, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frameRawBytes");
        assertThatThrownBy(() -> new ArchiveOptions(8 * 1024 * 1024 + 1, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArchiveOptions(1024 * 1024, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("compressionLevel");
        assertThatThrownBy(() -> new ArchiveOptions(1024 * 1024, 20)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ArchiveOptions(64 * 1024, 1).withFrameRawBytes(8 * 1024 * 1024).withCompressionLevel(19))
                .isEqualTo(new ArchiveOptions(8 * 1024 * 1024, 19));
    }

    @Test
    void finishIsIdempotentAndEndsWriting() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SeekableArchiveWriter writer = new SeekableArchiveWriter(out, ArchiveOptions.defaults())) {
            writer.addChunk(LogStream.STDOUT, 1, "hello\n".getBytes());
            ArchiveSummary first = writer.finish();
            int size = out.size();
            assertThat(writer.finish()).isSameAs(first);
            assertThat(out.size()).isEqualTo(size);
            assertThatThrownBy(() -> writer.addChunk(LogStream.STDOUT, 2, new byte[1]))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aFailedOutputMakesTheWriterUnusable() {
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk full");
            }
        };
        try (SeekableArchiveWriter writer = new SeekableArchiveWriter(failing, TestArchives.smallFrames())) {
            byte[] frame = new byte[ArchiveOptions.MIN_FRAME_RAW_BYTES];
            assertThatThrownBy(() -> writer.addChunk(LogStream.STDOUT, 1, frame)).isInstanceOf(IOException.class);
            assertThatThrownBy(writer::finish).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("failed");
        }
    }

    @Test
    void closedWriterRefusesChunks() {
        SeekableArchiveWriter writer = new SeekableArchiveWriter(new ByteArrayOutputStream(), ArchiveOptions.defaults());
        writer.close();
        writer.close();
        assertThatThrownBy(() -> writer.addChunk(LogStream.STDERR, 1, new byte[1]))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void partOfAnArrayCanBeAdded() throws IOException {
        byte[] buffer = "xxhello\nyy".getBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SeekableArchiveWriter writer = new SeekableArchiveWriter(out, ArchiveOptions.defaults())) {
            writer.addChunk(LogStream.STDOUT, 5, buffer, 2, 6);
            writer.finish();
        }
        SeekableArchiveReader reader = SeekableArchiveReader.open(new ArrayByteSource(out.toByteArray()),
                dev.cinch.logs.JobId.of("j"));
        assertThat(reader.readRange(0, 100)).isEqualTo("hello\n".getBytes());
        assertThat(reader.chunk(0).timestampMillis()).isEqualTo(5);
    }

    @Test
    void wholeLogCrcEqualsTheCombinationOfChunkCrcs() {
        TestArchives.Built built = TestArchives.ofLog(CiLogGenerator.generate(31, 400_000), 5_000, 31,
                TestArchives.smallFrames());
        SeekableArchiveReader reader = built.reader();
        int combined = 0;
        for (long seq = 0; seq < reader.chunkCount(); seq++) {
            ChunkIndexEntry entry = reader.chunk(seq);
            combined = Crc32c.combine(combined, entry.crc32c(), entry.length());
        }
        assertThat(combined).isEqualTo(reader.crc32c()).isEqualTo(built.summary().crc32c());
    }
}
