package dev.cinch.logs.db;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.archive.ChunkIndexEntry;
import dev.cinch.logs.codec.ChunkEncoding;
import dev.cinch.logs.codec.EncodedChunk;
import dev.cinch.logs.storage.LogTotals;
import dev.cinch.logs.storage.StoredChunk;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of {@code log_chunks} and {@code log_heads}, shared by the appender, the snapshots and the storage. */
final class ChunkRows {
    static final String CHUNK_COLUMNS = "seq, raw_offset, raw_length, stream, ts, crc32c, encoding, dictionary_id";

    private ChunkRows() {
    }

    /** A log's row in {@code log_heads}. */
    record Head(boolean sealed, LogTotals totals, long storedBytes, String writer, long leaseUntil, Long archiveId,
                long archiveSize) {
    }

    static Optional<Head> head(Connection c, JobId job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sealed, chunks, raw_bytes, crc32c, last_ts, stored_bytes,"
                + " writer, lease_until, archive_id, archive_size, newlines FROM log_heads WHERE job_id = ?")) {
            ps.setString(1, job.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long archiveId = rs.getLong(9);
                Long archive = rs.wasNull() ? null : archiveId;
                long newlines = rs.getLong(11);
                if (rs.wasNull()) {
                    newlines = LogTotals.UNKNOWN_NEWLINES; // a log stored before counts were kept (migration 002)
                }
                return Optional.of(new Head(rs.getInt(1) != 0,
                        new LogTotals(rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getLong(5), newlines), rs.getLong(6),
                        rs.getString(7), rs.getLong(8), archive, rs.getLong(10)));
            }
        }
    }

    static ChunkIndexEntry entry(ResultSet rs) throws SQLException {
        return new ChunkIndexEntry(rs.getLong(1), rs.getLong(2), rs.getInt(3), LogStream.fromCode(rs.getInt(4)),
                rs.getLong(5), rs.getInt(6));
    }

    static StoredChunk stored(ResultSet rs) throws SQLException {
        ChunkIndexEntry e = entry(rs);
        byte[] body = rs.getBytes(9);
        return new StoredChunk(e, new EncodedChunk(body, e.length(), e.crc32c(), ChunkEncoding.fromCode(rs.getInt(7)),
                rs.getInt(8)));
    }

    static Optional<ChunkIndexEntry> entry(Connection c, JobId job, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CHUNK_COLUMNS + " FROM log_chunks WHERE job_id = ? AND seq = ?")) {
            ps.setString(1, job.value());
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
            }
        }
    }

    /**
     * The newlines in chunks {@code 0..seq} as recorded with chunk {@code seq}: one primary-key lookup;
     * {@link LogTotals#UNKNOWN_NEWLINES} when the row was stored before counts were kept (NULL) or is gone.
     */
    static long newlinesThrough(Connection c, JobId job, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT newlines_after FROM log_chunks WHERE job_id = ? AND seq = ?")) {
            ps.setString(1, job.value());
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return LogTotals.UNKNOWN_NEWLINES;
                }
                long n = rs.getLong(1);
                return rs.wasNull() ? LogTotals.UNKNOWN_NEWLINES : n;
            }
        }
    }

    /** Chunks {@code [from, to)} with their bodies, in seq order (fewer when some are gone). */
    static List<StoredChunk> read(Connection c, JobId job, long from, long to) throws SQLException {
        List<StoredChunk> out = new ArrayList<>((int) Math.min(to - from, 4096));
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CHUNK_COLUMNS + ", body FROM log_chunks"
                + " WHERE job_id = ? AND seq >= ? AND seq < ? ORDER BY seq")) {
            ps.setString(1, job.value());
            ps.setLong(2, from);
            ps.setLong(3, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(stored(rs));
                }
            }
        }
        return out;
    }

    /** Adds the row of {@code chunk}, with the newlines up to and including it (NULL when unknown), to the batch. */
    static void insert(PreparedStatement ps, JobId job, StoredChunk chunk, long newlinesAfter) throws SQLException {
        ChunkIndexEntry e = chunk.entry();
        EncodedChunk b = chunk.body();
        ps.setString(1, job.value());
        ps.setLong(2, e.seq());
        ps.setLong(3, e.rawOffset());
        ps.setInt(4, e.length());
        ps.setInt(5, e.stream().code());
        ps.setLong(6, e.timestampMillis());
        ps.setInt(7, e.crc32c());
        ps.setInt(8, b.encoding().code());
        ps.setInt(9, b.dictionaryId());
        ps.setBytes(10, b.payload());
        if (newlinesAfter == LogTotals.UNKNOWN_NEWLINES) {
            ps.setNull(11, java.sql.Types.BIGINT);
        } else {
            ps.setLong(11, newlinesAfter);
        }
        ps.addBatch();
    }

    static final String INSERT = "INSERT INTO log_chunks (job_id, seq, raw_offset, raw_length, stream, ts, crc32c,"
            + " encoding, dictionary_id, body, newlines_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
}
