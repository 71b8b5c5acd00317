package dev.cinch.logs.db;

import com.github.luben.zstd.ZstdDictTrainer;
import com.github.luben.zstd.ZstdException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.archive.SeekableArchiveReader;
import dev.cinch.logs.codec.ChunkDictionary;
import dev.cinch.sql.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Trains a zstd dictionary for chunk bodies from the deployment's own sealed logs (newest first) and stores it in
 * {@code log_dictionaries} under the next id. Samples are the logs' chunks as workers sent them, read from the
 * archives in the database; nothing else (no shipped or shared corpus) ever goes into a dictionary.
 */
public final class DictionaryTrainer {
    /** zstd's rule of thumb: samples of about 100 times the dictionary's size. */
    static final int SAMPLE_BYTES_PER_DICTIONARY_BYTE = 100;

    private DictionaryTrainer() {
    }

    /**
     * What a training produced.
     *
     * @param dictionary the stored dictionary
     * @param logs sealed logs sampled
     * @param samples chunks used as samples
     */
    public record Trained(ChunkDictionary dictionary, int logs, int samples) {
    }

    /**
     * Trains a dictionary with the db store's settings ({@code db.dictionary-*}) in the database of {@code pool}
     * (lent: not closed here), for operators ({@code cinchlog --store db dict train}). Running stores start using it
     * within 30 s; the store's tables must exist (open the store once first).
     */
    public static Optional<Trained> train(Database pool, dev.cinch.logs.config.CinchConfig config) {
        DbStoreConfig c = DbStoreConfig.from(config);
        return train(pool.lend(LogStoreErrors.INSTANCE), Math.max(c.dictionaryMinLogs(), 100), c.dictionaryBytes());
    }

    /**
     * Trains from up to {@code maxLogs} sealed logs and stores the result; empty when there are too few samples for
     * zstd to train from.
     */
    public static Optional<Trained> train(Database db, int maxLogs, int dictionaryBytes) {
        record Sealed(JobId job, long archiveId, long size) {
        }
        List<Sealed> sealed = db.read("list sealed logs to train a dictionary", c -> {
            List<Sealed> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT job_id, archive_id, archive_size FROM log_heads"
                    + " WHERE sealed = 1 AND archive_id IS NOT NULL ORDER BY archive_id DESC LIMIT ?")) {
                ps.setInt(1, maxLogs);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Sealed(JobId.of(rs.getString(1)), rs.getLong(2), rs.getLong(3)));
                    }
                }
            }
            return out;
        });
        long budget = (long) dictionaryBytes * SAMPLE_BYTES_PER_DICTIONARY_BYTE;
        ZstdDictTrainer trainer = new ZstdDictTrainer((int) Math.min(Integer.MAX_VALUE - 8, budget), dictionaryBytes);
        int samples = 0;
        int logs = 0;
        outer:
        for (Sealed s : sealed) {
            logs++;
            SeekableArchiveReader reader = SeekableArchiveReader.open(new DbArchiveSource(s.job(), db, s.archiveId(), s.size()), s.job());
            // Spread each log's share over its whole length: the start of every build looks alike.
            long chunks = reader.chunkCount();
            long step = Math.max(1, chunks / 200);
            for (long seq = 0; seq < chunks; seq += step) {
                for (LogChunk chunk : reader.readChunks(seq, 1)) {
                    if (chunk.data().length == 0) {
                        continue;
                    }
                    if (!trainer.addSample(chunk.data())) {
                        break outer;
                    }
                    samples++;
                }
            }
        }
        byte[] dictionary;
        try {
            dictionary = trainer.trainSamples();
        } catch (ZstdException e) {
            return Optional.empty(); // too few or too uniform samples yet
        }
        int sampleCount = samples;
        int logCount = logs;
        return Optional.of(db.inTransaction("store a trained dictionary", c -> {
            int id;
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(id), 0) + 1 FROM log_dictionaries");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getInt(1);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO log_dictionaries (id, created_at, samples, data)"
                    + " VALUES (?, ?, ?, ?)")) {
                ps.setInt(1, id);
                ps.setLong(2, System.currentTimeMillis());
                ps.setInt(3, sampleCount);
                ps.setBytes(4, dictionary);
                ps.executeUpdate();
            }
            return new Trained(new ChunkDictionary(id, dictionary), logCount, sampleCount);
        }));
    }

    /** The newest stored dictionary, if any. */
    static Optional<ChunkDictionary> newest(Database db) {
        return db.read("read the newest dictionary", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, data FROM log_dictionaries ORDER BY id DESC LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new ChunkDictionary(rs.getInt(1), rs.getBytes(2))) : Optional.empty();
            }
        });
    }

    static Optional<ChunkDictionary> byId(Database db, int id) {
        return db.read("read dictionary " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT data FROM log_dictionaries WHERE id = ?")) {
                ps.setInt(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new ChunkDictionary(id, rs.getBytes(1))) : Optional.empty();
                }
            }
        });
    }

    static long sealedLogs(Database db) {
        return db.read("count sealed logs", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM log_heads WHERE sealed = 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
