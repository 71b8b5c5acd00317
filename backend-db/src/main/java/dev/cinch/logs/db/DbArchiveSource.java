package dev.cinch.logs.db;

import dev.cinch.logs.JobId;
import dev.cinch.logs.archive.ByteSource;
import dev.cinch.sql.Database;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Positional reads of an archive stored as {@code log_archive_parts} rows of {@link DbLogStorage#ARCHIVE_PART_BYTES}
 * each: a read fetches exactly the parts it overlaps, with one query, so reading a frame of a sealed log costs the
 * same whatever the log's size.
 */
final class DbArchiveSource implements ByteSource {
    private final JobId job;
    private final Database db;
    private final long archiveId;
    private final long size;

    DbArchiveSource(JobId job, Database db, long archiveId, long size) {
        this.job = job;
        this.db = db;
        this.archiveId = archiveId;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void readFully(long position, byte[] dst, int off, int len) throws IOException {
        ByteSource.checkRead(size, position, dst, off, len, "the archive of job " + job);
        if (len == 0) {
            return;
        }
        int part = DbLogStorage.ARCHIVE_PART_BYTES;
        long first = position / part;
        long last = (position + len - 1) / part;
        int copied = db.read("read archive bytes " + position + ".." + (position + len) + " of job " + job, c -> {
            int n = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT part, data FROM log_archive_parts WHERE archive_id = ?"
                    + " AND part >= ? AND part <= ? ORDER BY part")) {
                ps.setLong(1, archiveId);
                ps.setLong(2, first);
                ps.setLong(3, last);
                try (ResultSet rs = ps.executeQuery()) {
                    long expected = first;
                    while (rs.next()) {
                        long p = rs.getLong(1);
                        if (p != expected) {
                            return -1;
                        }
                        byte[] data = rs.getBytes(2);
                        long partStart = p * part;
                        long from = Math.max(position, partStart);
                        long to = Math.min(position + len, partStart + data.length);
                        if (to <= from) {
                            return -1;
                        }
                        System.arraycopy(data, (int) (from - partStart), dst, off + (int) (from - position), (int) (to - from));
                        n += (int) (to - from);
                        expected++;
                    }
                }
            }
            return n;
        });
        if (copied != len) {
            throw new IOException("job " + job + ": archive " + archiveId + " is gone or incomplete (read of " + len
                    + " bytes at " + position + " found " + Math.max(copied, 0) + ")");
        }
    }

    @Override
    public void close() {
        // Nothing held between reads.
    }
}
