-- The job queue: labels a worker must carry to run a job, leases, and attempts. A claim moves a job
-- pending -> running with attempts + 1 and a lease; heartbeats extend the lease; the sweeper puts a job whose lease
-- expired back to pending (or fails it once attempts reach max_attempts) and fails jobs running past timeout_sec.
ALTER TABLE jobs ADD COLUMN labels JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(labels) = 'array');
ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
ALTER TABLE jobs ADD COLUMN max_attempts INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts >= 1);
ALTER TABLE jobs ADD COLUMN lease_expires_at TIMESTAMPTZ;

-- No index of its own: a claim reads idx_jobs_status_created backwards (status = 'pending', oldest first, no sort),
-- and the sweeper reads the running jobs through the same index.
