package dev.cinch.metadata;

import dev.cinch.sql.Database;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The job queue on Postgres, in a fresh schema per test. */
class PostgresJobQueueTest extends AbstractJobQueueTest {
    private TestPostgres.Schema schema;

    @Override
    protected Database openDatabase() {
        TestPostgres.requireReachable();
        schema = TestPostgres.freshSchema();
        return schema.open(4);
    }

    @Override
    protected void dropDatabase() {
        if (schema != null) {
            schema.close();
        }
    }

    @Test
    void whileAnotherInstanceSweepsThisOneSkips() throws Exception {
        Job j = job(List.of());
        Worker w = worker("box", List.of());
        store.claimNextJob(w.id(), List.of()).orElseThrow();
        clock.advance(POLICY.lease());
        try (Database other = schema.open(1); Connection c = other.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))")) {
                ps.setInt(1, 0x63696e64);
                ps.execute();
            }
            assertThat(store.sweep()).isEqualTo(new SweepReport(0, 0, 0, 0, true));
            c.rollback();
        }
        assertThat(store.sweep().requeued()).isEqualTo(1);
        assertThat(store.getJob(j.id()).status()).isEqualTo(JobStatus.PENDING);
    }
}
