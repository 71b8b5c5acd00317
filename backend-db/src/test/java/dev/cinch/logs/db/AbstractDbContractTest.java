package dev.cinch.logs.db;

import dev.cinch.logs.AbstractLogStoreContractTest;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.storage.LogStorage;
import dev.cinch.logs.testkit.LogReference;
import dev.cinch.sql.Database;
import dev.cinch.sql.SqlWork;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract on the db store, with damage hooks that change rows with plain SQL. */
abstract class AbstractDbContractTest extends AbstractLogStoreContractTest {

    @Override
    protected boolean canOpenStorage() {
        return true;
    }

    @Override
    protected LogStorage openStorage() {
        return new DbLogStorage(DbStoreConfig.from(storeConfig()), openDatabase());
    }

    /** The database a store of this test works on, as the provider gets it. */
    protected Database openDatabase() {
        return Database.open(storeConfig(), LogStoreErrors.INSTANCE);
    }

    /** Runs {@code work} on a connection to the test's database (not through the store). */
    protected abstract <T> T sql(SqlWork<T> work) throws SQLException;

    /** Flips one byte in the middle of the chunk's stored body. */
    @Override
    protected void damageChunk(JobId job, long seq) throws SQLException {
        int updated = sql(c -> {
            byte[] body = select(c, "SELECT body FROM log_chunks WHERE job_id = ? AND seq = ?", job, seq);
            body[body.length / 2] ^= 0x5A;
            try (PreparedStatement ps = c.prepareStatement("UPDATE log_chunks SET body = ? WHERE job_id = ? AND seq = ?")) {
                ps.setBytes(1, body);
                ps.setString(2, job.value());
                ps.setLong(3, seq);
                return ps.executeUpdate();
            }
        });
        assertThat(updated).isEqualTo(1);
    }

    /** Changes the chunk's raw offset (its index record), leaving its body intact. */
    @Override
    protected void damageIndex(JobId job, long seq) throws SQLException {
        int updated = sql(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE log_chunks SET raw_offset = raw_offset + 7"
                    + " WHERE job_id = ? AND seq = ?")) {
                ps.setString(1, job.value());
                ps.setLong(2, seq);
                return ps.executeUpdate();
            }
        });
        assertThat(updated).isEqualTo(1);
    }

    /** Flips one byte inside the first zstd data frame of the sealed archive (byte 40 of part 0). */
    @Override
    protected void damageArchive(JobId job) throws SQLException {
        int updated = sql(c -> {
            long archive;
            try (PreparedStatement ps = c.prepareStatement("SELECT archive_id FROM log_heads WHERE job_id = ? AND sealed = 1")) {
                ps.setString(1, job.value());
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as("job %s is sealed", job).isTrue();
                    archive = rs.getLong(1);
                }
            }
            byte[] data;
            try (PreparedStatement ps = c.prepareStatement("SELECT data FROM log_archive_parts WHERE archive_id = ? AND part = 0")) {
                ps.setLong(1, archive);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    data = rs.getBytes(1);
                }
            }
            data[40] ^= 0x5A;
            try (PreparedStatement ps = c.prepareStatement("UPDATE log_archive_parts SET data = ? WHERE archive_id = ? AND part = 0")) {
                ps.setBytes(1, data);
                ps.setLong(2, archive);
                return ps.executeUpdate();
            }
        });
        assertThat(updated).isEqualTo(1);
    }

    /**
     * A log whose rows were stored before migration 002 (newline counts NULL) is read by a scan from its first chunk
     * and correctly; its later chunks get no counts either, so it never mixes counted and uncounted rows.
     */
    @Test
    void anOpenLogStoredBeforeLineCountsWereKeptIsReadByAScanAndStaysWithout() throws SQLException {
        JobId j = job("old-lines");
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        java.util.List<LogChunk> chunks = new java.util.ArrayList<>();
        for (int c = 0; c < 80; c++) {
            StringBuilder b = new StringBuilder();
            for (int l = 0; l <= c % 13; l++) {
                b.append("chunk ").append(c).append(" line ").append(l).append('\n');
            }
            if (c % 4 == 1) {
                b.append("unfinished ");
            }
            chunks.add(chunk(c, b.toString()));
            all.writeBytes(chunks.get(c).data());
        }
        appendAll(store, j, chunks.subList(0, 60));
        assertThat(newlineColumns(j)).as("counted rows").isEqualTo(61); // 60 chunks and the head
        store.close();
        sql(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE log_chunks SET newlines_after = NULL WHERE job_id = ?");
                 PreparedStatement head = c.prepareStatement("UPDATE log_heads SET newlines = NULL WHERE job_id = ?")) {
                ps.setString(1, j.value());
                head.setString(1, j.value());
                return ps.executeUpdate() + head.executeUpdate();
            }
        });
        LogStore s = reopen();
        byte[] prefix = java.util.Arrays.copyOf(all.toByteArray(), (int) s.stat(j).rawBytes());
        for (long from = 1; from <= lineCount(prefix); from += 41) {
            assertThat(s.readLines(j, from, 30)).as("lines %d+30", from).isEqualTo(LogReference.lines(prefix, from, 30));
        }
        appendAll(s, j, chunks.subList(60, 80));
        byte[] bytes = all.toByteArray();
        for (long from = 1; from <= lineCount(bytes); from += 29) {
            assertThat(s.readLines(j, from, 30)).as("lines %d+30", from).isEqualTo(LogReference.lines(bytes, from, 30));
        }
        assertThat(newlineColumns(j)).as("counted rows after the append").isZero();
    }

    private static long lineCount(byte[] bytes) {
        long n = 1;
        for (byte b : bytes) {
            n += b == '\n' ? 1 : 0;
        }
        return n;
    }

    /** Rows of the job's open log (chunks and head) that have a newline count. */
    private long newlineColumns(JobId j) throws SQLException {
        return sql(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT count(*) FROM log_chunks WHERE job_id = ?"
                    + " AND newlines_after IS NOT NULL) + (SELECT count(*) FROM log_heads WHERE job_id = ?"
                    + " AND newlines IS NOT NULL)")) {
                ps.setString(1, j.value());
                ps.setString(2, j.value());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static byte[] select(Connection c, String sql, JobId job, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job.value());
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row of job %s seq %d", job, seq).isTrue();
                return rs.getBytes(1);
            }
        }
    }
}
