-- Retention records each batch before it deletes anything: the jobs it chose, so a run that crashes after deleting
-- some of their logs is finished by the next run from this record, whatever its policy says then (re-selecting by
-- policy would leave rows whose logs are gone if the retention was raised in between). A batch's jobs leave the
-- record in the transaction that deletes their rows.
CREATE TABLE retention_batches (
    id         TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL
);
CREATE TABLE retention_batch_jobs (
    batch_id TEXT NOT NULL REFERENCES retention_batches(id) ON DELETE CASCADE,
    job_id   TEXT NOT NULL,
    PRIMARY KEY (batch_id, job_id)
);
CREATE INDEX idx_retention_batch_jobs_job ON retention_batch_jobs(job_id);
