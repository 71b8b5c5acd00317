-- The job queue: labels a worker must carry to run a job, leases, and attempts. A claim moves a job
-- pending -> running with attempts + 1 and a lease; heartbeats extend the lease; the sweeper puts a job whose lease
-- expired back to pending (or fails it once attempts reach max_attempts) and fails jobs running past timeout_sec.
ALTER TABLE jobs ADD COLUMN labels TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(labels) AND json_type(labels) = 'array');
ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
ALTER TABLE jobs ADD COLUMN max_attempts INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts >= 1);
ALTER TABLE jobs ADD COLUMN lease_expires_at INTEGER;

-- Claims read pending jobs oldest first; the sweeper reads running jobs by lease. Both sets are small next to the
-- whole table, so the indexes hold only their rows.
CREATE INDEX idx_jobs_queue ON jobs(created_at, id) WHERE status = 'pending';
CREATE INDEX idx_jobs_leases ON jobs(lease_expires_at) WHERE status = 'running';
