-- Values registered for a job to be masked in its log (`cinchlog secret add`, the API): each encrypted (format v2),
-- bound to its row id, its job and its secret_version, which key rotation increments. The rows go with their job:
-- ON DELETE CASCADE, so retention deletes them in the transaction that deletes the job row.
CREATE TABLE job_secrets (
    id             TEXT PRIMARY KEY,
    job_id         TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    value          TEXT NOT NULL,
    secret_version INTEGER NOT NULL DEFAULT 0 CHECK (secret_version >= 0),
    created_at     INTEGER NOT NULL
);
-- Masking reads a job's values whenever it (re)loads them: one index range per job.
CREATE INDEX idx_job_secrets_job ON job_secrets(job_id, created_at, id);
