package dev.cinch.bench;

import dev.cinch.logs.testkit.Corpus;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The corpus as one byte sequence: every log of {@link Corpus#load()} (real logs when {@code CINCH_CORPUS_DIR} is
 * set, the generated CI-like corpus otherwise) concatenated in name order. Benchmarks cut their chunks and their big
 * logs from it, so every byte they store is real log output.
 *
 * @param bytes the concatenated logs
 * @param real whether the bytes come from real logs
 * @param fingerprint CRC32C of the bytes: names cached logs built from them, so a changed corpus rebuilds them
 */
public record CorpusBytes(byte[] bytes, boolean real, int fingerprint) {

    public static CorpusBytes load() {
        List<Corpus.Log> logs = Corpus.load();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Corpus.Log log : logs) {
            out.writeBytes(log.bytes());
        }
        byte[] all = out.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(all);
        return new CorpusBytes(all, Corpus.isReal(), (int) crc.getValue());
    }

    /** A fingerprint fit for a folder name: which corpus, and its checksum. */
    public String tag() {
        return (real ? "real-" : "generated-") + String.format("%08x", fingerprint);
    }

    /** An endless feed of {@code chunkBytes}-sized slices, wrapping around at the end of the corpus. */
    public ChunkFeed feed(int chunkBytes, long startOffset) {
        return new ChunkFeed(bytes, chunkBytes, startOffset);
    }

    /**
     * The bytes job {@code jobNumber} appends: each job starts at its own corpus offset so that 32 jobs do not
     * write identical bytes, and a store and its baselines feed job N exactly the same bytes.
     */
    public ChunkFeed feedForJob(int chunkBytes, int jobNumber) {
        return feed(chunkBytes, (long) jobNumber * 7_919 * chunkBytes);
    }
}
