package dev.cinch.logs.codec;

import com.github.luben.zstd.ZstdDictTrainer;
import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.testkit.CiLogGenerator;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Chunks compressed with a dictionary record its id, decode only with it, and are smaller than without it. */
class ChunkCodecDictionaryTest {
    private static final JobId JOB = JobId.of("dict-job");

    private static ChunkDictionary trained(int id) {
        ZstdDictTrainer trainer = new ZstdDictTrainer(4 << 20, 16 * 1024);
        for (int seed = 0; seed < 40; seed++) {
            byte[] log = CiLogGenerator.generate(seed, 64 * 1024);
            for (int off = 0; off + 1024 <= log.length; off += 1024) {
                trainer.addSample(Arrays.copyOfRange(log, off, off + 1024));
            }
        }
        return new ChunkDictionary(id, trainer.trainSamples());
    }

    @Test
    void aDictionaryChunkRecordsItsIdRoundTripsAndIsSmaller() {
        ChunkDictionary dict = trained(3);
        byte[] log = CiLogGenerator.generate(1_000, 64 * 1024);
        try (ChunkCodec codec = new ChunkCodec(ChunkCodec.DEFAULT_LEVEL)) {
            long plain = 0;
            long withDict = 0;
            for (int off = 0; off + 1024 <= log.length; off += 1024) {
                byte[] chunk = Arrays.copyOfRange(log, off, off + 1024);
                EncodedChunk a = codec.encode(chunk);
                EncodedChunk b = codec.encode(chunk, dict);
                plain += a.payload().length;
                withDict += b.payload().length;
                if (b.encoding() == ChunkEncoding.ZSTD) {
                    assertThat(b.dictionaryId()).isEqualTo(3);
                    assertThat(codec.decode(JOB, 7, b.payload(), 0, b.payload().length, b.encoding(), b.rawLength(),
                            b.crc32c(), dict)).isEqualTo(chunk);
                    // Without its dictionary the payload does not decode to the recorded bytes.
                    assertThatThrownBy(() -> codec.decode(JOB, 7, b.payload(), 0, b.payload().length, b.encoding(),
                            b.rawLength(), b.crc32c())).isInstanceOf(CorruptLogException.class).hasMessageContaining("seq 7");
                }
            }
            assertThat(withDict).as("dictionary-compressed 1 KiB chunks vs plain").isLessThan(plain);
        }
    }

    @Test
    void emptyAndNullDictionaryChunksNeedNoDictionary() {
        try (ChunkCodec codec = new ChunkCodec(ChunkCodec.DEFAULT_LEVEL)) {
            assertThat(codec.encode(new byte[0], trained(1)).dictionaryId()).isZero();
            assertThat(codec.encode("abc".getBytes(), null).dictionaryId()).isZero();
        }
    }
}
