package dev.cinch.logs.db;

import dev.cinch.logs.JobId;
import dev.cinch.logs.archive.ByteSource;
import dev.cinch.logs.storage.ArchiveUpload;
import dev.cinch.logs.storage.PartBufferStream;
import dev.cinch.sql.Database;
import dev.cinch.sql.Dialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;

/**
 * An archive staged in the database: a {@code log_archives} row without a size (so nothing reads it) and its bytes in
 * {@code log_archive_parts}, written part by part as core streams the archive. {@link #commit} makes it the log's
 * form and removes the open chunks in one transaction; closing without a commit removes the staged rows. Rows of an
 * upload whose process died are removed by the next store's start-up sweep once they are old
 * ({@link DbLogStorage#STALE_UPLOAD_AGE}), or by a delete of the job.
 */
final class DbArchiveUpload implements ArchiveUpload {
    private static final Logger LOG = LoggerFactory.getLogger(DbArchiveUpload.class);

    private final JobId job;
    private final DbLogStorage storage;
    private final Database db;
    private final long archiveId;
    private long partsWritten;
    private boolean committed;
    private boolean closed;
    private final PartBufferStream out = new PartBufferStream(DbLogStorage.ARCHIVE_PART_BYTES, this::writePart);

    private DbArchiveUpload(JobId job, DbLogStorage storage, long archiveId) {
        this.job = job;
        this.storage = storage;
        this.db = storage.db();
        this.archiveId = archiveId;
    }

    static DbArchiveUpload start(JobId job, DbLogStorage storage) {
        long id = storage.db().inTransaction("stage an archive for job " + job, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO log_archives (job_id, created_at) VALUES (?, ?)"
                    + " RETURNING archive_id")) {
                ps.setString(1, job.value());
                ps.setLong(2, System.currentTimeMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        return new DbArchiveUpload(job, storage, id);
    }

    private void writePart(byte[] bytes, int length) {
        long part = partsWritten;
        byte[] data = java.util.Arrays.copyOf(bytes, length);
        db.inTransaction("stage archive part " + part + " of job " + job, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO log_archive_parts (archive_id, part, data) VALUES (?, ?, ?)")) {
                ps.setLong(1, archiveId);
                ps.setLong(2, part);
                ps.setBytes(3, data);
                ps.executeUpdate();
            }
            return null;
        });
        partsWritten++;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public ByteSource staged() throws IOException {
        out.flushPart();
        return new DbArchiveSource(job, db, archiveId, out.written());
    }

    /**
     * In one transaction: gives the staged archive its size, makes it the log's form in {@code log_heads} (unless
     * another archive got there first) and removes the open log's chunks. Writer and lease are cleared with it.
     */
    @Override
    public void commit() throws IOException {
        out.flushPart();
        long size = out.written();
        Optional<String> refused = db.inTransaction("commit the archive of job " + job, c -> {
            Optional<ChunkRows.Head> head = ChunkRows.head(c, job);
            if (head.isPresent() && head.get().sealed()) {
                return Optional.of("job " + job + " already has an archive");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE log_archives SET size = ? WHERE archive_id = ? AND size IS NULL")) {
                ps.setLong(1, size);
                ps.setLong(2, archiveId);
                if (ps.executeUpdate() != 1) {
                    return Optional.of("job " + job + ": the staged archive was removed meanwhile (the log was deleted)");
                }
            }
            String sql = head.isPresent()
                    ? "UPDATE log_heads SET sealed = 1, archive_id = ?, archive_size = ?, stored_bytes = ?, writer = NULL,"
                      + " lease_until = 0 WHERE job_id = ?"
                    : "INSERT INTO log_heads (archive_id, archive_size, stored_bytes, job_id, sealed) VALUES (?, ?, ?, ?, 1)";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, archiveId);
                ps.setLong(2, size);
                ps.setLong(3, size);
                ps.setString(4, job.value());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM log_chunks WHERE job_id = ?")) {
                ps.setString(1, job.value());
                ps.executeUpdate();
            }
            if (db.dialect() == Dialect.POSTGRES) {
                DbChangeFeed.notify(c, List.of(job.value() + " sealed"));
            }
            return Optional.empty();
        });
        if (refused.isPresent()) {
            throw new IOException(refused.get());
        }
        committed = true;
        out.finish("job " + job + ": the archive upload is finished");
        storage.afterSeal();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        out.finish("job " + job + ": the archive upload is finished");
        if (!committed) {
            try {
                storage.removeArchive(archiveId, "remove the staged archive of job " + job);
            } catch (RuntimeException e) {
                LOG.warn("job {}: cannot remove staged archive {} ({}); a later start-up sweep removes it", job,
                        archiveId, e.toString());
            }
        }
    }
}
