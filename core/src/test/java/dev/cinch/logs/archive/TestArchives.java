package dev.cinch.logs.archive;

import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.testkit.CiLogGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Builds archives of known logs for the tests. */
final class TestArchives {
    static final long BASE_TIME = 1_714_564_800_000L;

    private TestArchives() {
    }

    /** An archive together with what went into it. */
    record Built(byte[] archive, byte[] log, List<LogChunk> chunks, ArchiveSummary summary) {
        SeekableArchiveReader reader() {
            return SeekableArchiveReader.open(new ArrayByteSource(archive), dev.cinch.logs.JobId.of("job-1"));
        }
    }

    static Built build(List<byte[]> chunkData, ArchiveOptions options) {
        List<LogChunk> chunks = new ArrayList<>();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try (SeekableArchiveWriter writer = new SeekableArchiveWriter(archive, options)) {
            for (int seq = 0; seq < chunkData.size(); seq++) {
                byte[] data = chunkData.get(seq);
                LogStream stream = seq % 3 == 2 ? LogStream.STDERR : LogStream.STDOUT;
                long time = BASE_TIME + seq * 37L;
                writer.addChunk(stream, time, data);
                chunks.add(new LogChunk(seq, stream, time, data));
                log.writeBytes(data);
            }
            ArchiveSummary summary = writer.finish();
            return new Built(archive.toByteArray(), log.toByteArray(), chunks, summary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code log} cut into random chunks of up to {@code maxChunk} bytes. */
    static Built ofLog(byte[] log, int maxChunk, long seed, ArchiveOptions options) {
        return build(CiLogGenerator.split(log, seed, maxChunk), options);
    }

    static ArchiveOptions smallFrames() {
        return new ArchiveOptions(ArchiveOptions.MIN_FRAME_RAW_BYTES, 3);
    }
}
