package dev.cinch.logs.db;

import dev.cinch.logs.AbstractLogStoreContractTest;
import dev.cinch.logs.JobId;
import dev.cinch.sql.SqlWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract on the db store, with damage hooks that change rows with plain SQL. */
abstract class AbstractDbContractTest extends AbstractLogStoreContractTest {

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
