package dev.cinch.metadata;

import dev.cinch.sql.Dialect;
import dev.cinch.sql.Database;

import dev.cinch.logs.JobId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The job queue in one process, on each database: claims by label and age, leases, heartbeats, sweeping. */
abstract class AbstractJobQueueTest {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static final QueuePolicy POLICY = new QueuePolicy(Duration.ofSeconds(30), Duration.ofSeconds(90));

    protected MutableClock clock;
    protected Metadata md;
    protected MetadataStore store;
    protected Repo repo;

    protected abstract Database openDatabase();

    protected void dropDatabase() {
    }

    @BeforeEach
    void openStore() {
        clock = new MutableClock(T0);
        md = Metadata.of(openDatabase(), EncryptionKeys.none(), StoreSettings.withBcryptCost(4).withQueue(POLICY), clock);
        md.migrate();
        store = md.store();
        repo = store.createRepo(new NewRepo("github", "o", "n", "u", "h", false, null, null));
    }

    @AfterEach
    void closeStore() {
        if (md != null) {
            md.close();
        }
        dropDatabase();
    }

    Job job(List<String> labels) {
        Job j = store.createJob(NewJob.of(repo.id(), "c", "main", "make").withLabels(labels));
        clock.advance(Duration.ofSeconds(1)); // created_at has second precision: keep the age order explicit
        return j;
    }

    Worker worker(String name, List<String> labels) {
        return store.createWorker(new NewWorker(name, labels)).worker();
    }

    @Test
    void aWorkerClaimsTheOldestJobWhoseLabelsItCarries() {
        Job gpu = job(List.of("gpu"));
        Job any = job(List.of());
        Job linux = job(List.of("linux"));
        Job linuxArm = job(List.of("linux", "arm64"));
        Worker w = worker("box", List.of("linux", "amd64"));
        Worker g = worker("gpu-box", List.of("gpu"));

        ClaimedJob first = store.claimNextJob(w.id(), w.labels()).orElseThrow();
        assertThat(first.job().id()).isEqualTo(any.id());
        assertThat(first.job().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(first.job().workerId()).isEqualTo(w.id());
        assertThat(first.job().attempts()).isEqualTo(1);
        assertThat(first.job().startedAt()).isEqualTo(clock.instant());
        assertThat(first.lease()).isEqualTo(new Lease(any.id(), w.id(), 1, clock.instant().plus(POLICY.lease())));
        assertThat(first.job().leaseExpiresAt()).isEqualTo(first.lease().expiresAt());
        assertThat(store.claimNextJob(w.id(), w.labels()).orElseThrow().job().id()).isEqualTo(linux.id());
        assertThat(store.claimNextJob(w.id(), w.labels())).as("needs arm64 too; gpu is not carried").isEmpty();
        assertThat(store.claimNextJob(g.id(), g.labels()).orElseThrow().job().id()).isEqualTo(gpu.id());
        assertThat(store.claimNextJob(g.id(), List.of("linux", "arm64", "gpu")).orElseThrow().job().id()).isEqualTo(linuxArm.id());

        Worker busy = store.getWorker(w.id());
        assertThat(busy.status()).isEqualTo(WorkerStatus.BUSY);
        assertThat(busy.lastSeen()).isEqualTo(clock.instant());
        assertThatThrownBy(() -> store.claimNextJob("w_missing", List.of())).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("w_missing");
    }

    @Test
    void aClaimReadsPendingJobsInOrderFromAnIndex() throws Exception {
        Database db = ((JdbcMetadataStore) store).database();
        for (int i = 0; i < 300; i++) {
            job(List.of(i % 2 == 0 ? "linux" : "gpu"));
        }
        // Finished jobs outnumber pending ones, as in any deployment that has run for a while.
        Worker w = worker("box", List.of("linux", "gpu"));
        for (int i = 0; i < 250; i++) {
            store.completeJob(store.claimNextJob(w.id(), w.labels()).orElseThrow().lease(), JobStatusUpdate.finished(JobStatus.SUCCESS, 0, null));
        }
        boolean pg = db.dialect() == Dialect.POSTGRES;
        String plan = db.read("explain the claim", c -> {
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
            StringBuilder sb = new StringBuilder();
            try (java.sql.PreparedStatement ps = c.prepareStatement((pg ? "EXPLAIN " : "EXPLAIN QUERY PLAN ")
                    + (pg ? JdbcJobQueue.POSTGRES_NEXT : JdbcJobQueue.SQLITE_NEXT))) {
                ps.setString(1, JdbcMetadataStore.LOCAL_REPO_ID);
                ps.setString(2, Labels.toJson(List.of("linux")));
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sb.append(rs.getString(pg ? 1 : 4)).append('\n');
                    }
                }
            }
            return sb.toString();
        });
        // The pending jobs, oldest first, straight from the (status, created_at, id) index: no table scan, no sort.
        assertThat(plan).contains("idx_jobs_status_created").doesNotContain("Seq Scan").doesNotContain("TEMP B-TREE")
                .doesNotContain("Sort");
    }

    @Test
    void jobsTheCliRegisteredAreNeverHandedOut() {
        md.ensureJob(JobId.of("local-build-1"), "make");
        Worker w = worker("box", List.of());
        assertThat(store.claimNextJob(w.id(), List.of())).isEmpty();
        assertThat(store.getJob(JobId.of("local-build-1")).status()).isEqualTo(JobStatus.PENDING);
    }

    @Test
    void heartbeatsExtendTheLeaseAndCompletionEndsIt() {
        Job j = job(List.of());
        Worker w = worker("box", List.of());
        Lease lease = store.claimNextJob(w.id(), List.of()).orElseThrow().lease();
        clock.advance(Duration.ofSeconds(20));
        Lease extended = store.heartbeat(lease);
        assertThat(extended.expiresAt()).isEqualTo(clock.instant().plus(POLICY.lease()));
        clock.advance(Duration.ofSeconds(20)); // past the first lease, within the extended one
        assertThat(store.sweep().requeued()).isZero();
        Job done = store.completeJob(extended, JobStatusUpdate.finished(JobStatus.FAILURE, 2, "tests failed"));
        assertThat(done.status()).isEqualTo(JobStatus.FAILURE);
        assertThat(done.exitCode()).isEqualTo(2);
        assertThat(done.finishedAt()).isEqualTo(clock.instant());
        assertThat(done.leaseExpiresAt()).isNull();
        assertThat(store.getWorker(w.id()).status()).isEqualTo(WorkerStatus.ONLINE);
        assertThatThrownBy(() -> store.completeJob(extended, JobStatusUpdate.finished(JobStatus.SUCCESS, 0, null)))
                .isInstanceOf(LeaseLostException.class).hasMessageContaining(j.id().value()).hasMessageContaining("failure");
        assertThatThrownBy(() -> store.heartbeat(extended)).isInstanceOf(LeaseLostException.class);
        assertThat(store.getJob(j.id()).status()).isEqualTo(JobStatus.FAILURE);
        assertThatThrownBy(() -> store.completeJob(extended, JobStatusUpdate.running(w.id())))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void anExpiredLeaseIsRequeuedUntilTheAttemptsAreUsedUp() {
        Job j = store.createJob(NewJob.of(repo.id(), "c", "main", "make").withMaxAttempts(2));
        Worker dead = worker("dead", List.of());
        Worker alive = worker("alive", List.of());
        Lease first = store.claimNextJob(dead.id(), List.of()).orElseThrow().lease();
        clock.advance(POLICY.lease().minusSeconds(1));
        assertThat(store.sweep()).isEqualTo(new SweepReport(0, 0, 0, 0, false));
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.sweep().requeued()).isEqualTo(1);
        Job requeued = store.getJob(j.id());
        assertThat(requeued.status()).isEqualTo(JobStatus.PENDING);
        assertThat(requeued.workerId()).isNull();
        assertThat(requeued.startedAt()).isNull();
        assertThat(requeued.attempts()).isEqualTo(1);

        // The worker presumed dead comes back: it may no longer act on the job.
        assertThatThrownBy(() -> store.heartbeat(first)).isInstanceOf(LeaseLostException.class).hasMessageContaining("pending");
        Lease second = store.claimNextJob(alive.id(), List.of()).orElseThrow().lease();
        assertThat(second.attempt()).isEqualTo(2);
        assertThatThrownBy(() -> store.completeJob(first, JobStatusUpdate.finished(JobStatus.SUCCESS, 0, null)))
                .isInstanceOf(LeaseLostException.class).hasMessageContaining(alive.id()).hasMessageContaining("attempt 2");

        clock.advance(POLICY.lease());
        SweepReport last = store.sweep();
        assertThat(last.requeued()).isZero();
        assertThat(last.failedOutOfAttempts()).isEqualTo(1);
        Job failed = store.getJob(j.id());
        assertThat(failed.status()).isEqualTo(JobStatus.ERROR);
        assertThat(failed.errorMsg()).contains("lease expired").contains("2 of 2");
        assertThat(failed.finishedAt()).isEqualTo(clock.instant());
    }

    @Test
    void aJobRunningPastItsTimeoutFailsEvenWhileItsWorkerHeartbeats() {
        Job j = store.createJob(NewJob.of(repo.id(), "c", "main", "make").withTimeoutSec(45));
        Worker w = worker("box", List.of());
        Lease lease = store.claimNextJob(w.id(), List.of()).orElseThrow().lease();
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofSeconds(20));
            lease = store.heartbeat(lease);
            assertThat(store.sweep().timedOut()).isZero();
        }
        clock.advance(Duration.ofSeconds(5));
        assertThat(store.sweep().timedOut()).isEqualTo(1);
        Job failed = store.getJob(j.id());
        assertThat(failed.status()).isEqualTo(JobStatus.ERROR);
        assertThat(failed.errorMsg()).contains("timed out").contains("45 s");
        Lease held = lease;
        assertThatThrownBy(() -> store.heartbeat(held)).isInstanceOf(LeaseLostException.class).hasMessageContaining("error");
    }

    @Test
    void workersGoOfflineWithoutSignsOfLife() {
        Worker w = worker("box", List.of());
        assertThat(store.workerHeartbeat(w.id()).status()).isEqualTo(WorkerStatus.ONLINE);
        clock.advance(POLICY.workerOfflineAfter().minusSeconds(1));
        assertThat(store.sweep().workersOffline()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.sweep().workersOffline()).isEqualTo(1);
        Worker off = store.getWorker(w.id());
        assertThat(off.status()).isEqualTo(WorkerStatus.OFFLINE);
        assertThat(off.lastSeen()).isEqualTo(T0);
        assertThat(store.workerHeartbeat(w.id()).lastSeen()).isEqualTo(clock.instant());
        assertThat(store.getWorker(w.id()).status()).isEqualTo(WorkerStatus.ONLINE);
        assertThatThrownBy(() -> store.workerHeartbeat("w_missing")).isInstanceOf(NotFoundException.class);
        assertThat(store.sweep().workersOffline()).as("seen again: not marked offline").isZero();
    }
}
