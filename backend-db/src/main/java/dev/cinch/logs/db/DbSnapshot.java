package dev.cinch.logs.db;

import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.archive.ChunkIndexEntry;
import dev.cinch.logs.storage.LogTotals;
import dev.cinch.logs.storage.OpenLogSnapshot;
import dev.cinch.logs.storage.StaleSnapshotException;
import dev.cinch.logs.storage.StoredChunk;
import dev.cinch.sql.Database;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;

/**
 * A read view of an open log's committed prefix in the database. It holds no connection between calls (a pool may
 * have a single connection, {@code :memory:}), and every call is an indexed lookup: by {@code (job_id, seq)} or by
 * {@code (job_id, raw_offset)}. Rows of the prefix never change while the log is open; when they are gone the log was
 * sealed or deleted meanwhile, and the view says so ({@link StaleSnapshotException}).
 */
final class DbSnapshot implements OpenLogSnapshot {
    private final JobId job;
    private final Database db;
    private final LogTotals totals;
    private final long storedBytes;

    DbSnapshot(JobId job, Database db, LogTotals totals, long storedBytes) {
        this.job = job;
        this.db = db;
        this.totals = totals;
        this.storedBytes = storedBytes;
    }

    @Override
    public LogTotals totals() {
        return totals;
    }

    @Override
    public long storedBytes() {
        return storedBytes;
    }

    @Override
    public ChunkIndexEntry entry(long seq) throws IOException {
        checkSeq(seq);
        Optional<ChunkIndexEntry> e = db.read("read the index entry of seq " + seq + " of job " + job,
                c -> ChunkRows.entry(c, job, seq));
        return e.orElseThrow(() -> new StaleSnapshotException(job, "chunk seq " + seq + " is no longer stored"));
    }

    /** From the row of chunk {@code seq} (its {@code newlines_after}): one primary-key lookup. */
    @Override
    public long newlinesThrough(long seq) throws IOException {
        return db.read("read the newline count of seq " + seq + " of job " + job,
                c -> ChunkRows.newlinesThrough(c, job, seq));
    }

    @Override
    public long seqAt(long rawOffset) throws IOException {
        if (rawOffset < 0 || rawOffset >= totals.rawBytes()) {
            throw new IllegalArgumentException("raw offset " + rawOffset + " outside 0.." + totals.rawBytes());
        }
        Long seq = db.read("find the chunk at raw offset " + rawOffset + " of job " + job, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM log_chunks WHERE job_id = ? AND raw_offset <= ?"
                    + " AND raw_length > 0 AND seq < ? ORDER BY raw_offset DESC LIMIT 1")) {
                ps.setString(1, job.value());
                ps.setLong(2, rawOffset);
                ps.setLong(3, totals.chunks());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }
        });
        if (seq == null) {
            throw new StaleSnapshotException(job, "no stored chunk holds raw offset " + rawOffset);
        }
        return seq;
    }

    @Override
    public List<StoredChunk> read(long fromSeq, long toSeq) throws IOException {
        if (fromSeq < 0 || toSeq < fromSeq || toSeq > totals.chunks()) {
            throw new IllegalArgumentException("chunks " + fromSeq + ".." + toSeq + " of " + totals.chunks());
        }
        if (fromSeq == toSeq) {
            return List.of();
        }
        // One row more in front: each row's raw offset is checked against the end of the one before it.
        long first = Math.max(0, fromSeq - 1);
        List<StoredChunk> rows = db.read("read seqs " + fromSeq + ".." + (toSeq - 1) + " of job " + job,
                c -> ChunkRows.read(c, job, first, toSeq));
        if (rows.size() != toSeq - first) {
            throw new StaleSnapshotException(job, "seqs " + fromSeq + ".." + (toSeq - 1) + ": " + rows.size()
                    + " of " + (toSeq - first) + " chunks are still stored");
        }
        checkChain(rows);
        return first == fromSeq ? rows : rows.subList(1, rows.size());
    }

    /**
     * The rows' raw offsets must chain (each chunk starts where the one before it ended, the first at 0, the last ends
     * at the log's length): a damaged index row is reported, never used to place bytes.
     */
    private void checkChain(List<StoredChunk> rows) {
        for (int i = 0; i < rows.size(); i++) {
            ChunkIndexEntry e = rows.get(i).entry();
            long expected = i > 0 ? rows.get(i - 1).entry().rawOffset() + rows.get(i - 1).entry().length()
                    : e.seq() == 0 ? 0 : e.rawOffset();
            if (e.rawOffset() != expected) {
                throw new CorruptLogException(job, "seq " + e.seq() + ": its index row says raw offset " + e.rawOffset()
                        + " but the chunk before it ends at " + expected);
            }
            if (e.seq() == totals.chunks() - 1 && e.rawOffset() + e.length() != totals.rawBytes()) {
                throw new CorruptLogException(job, "seq " + e.seq() + ": its index row ends at raw offset "
                        + (e.rawOffset() + e.length()) + " but the log is " + totals.rawBytes() + " bytes long");
            }
        }
    }

    private void checkSeq(long seq) {
        if (seq < 0 || seq >= totals.chunks()) {
            throw new IllegalArgumentException("seq " + seq + " outside 0.." + totals.chunks());
        }
    }

    @Override
    public void close() {
        // Nothing held between calls.
    }
}
