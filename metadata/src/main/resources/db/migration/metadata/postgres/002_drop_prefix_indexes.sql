-- Drop indexes that are exact prefixes of other indexes on the same table (or repeat the index Postgres builds for a
-- UNIQUE constraint). Every query they served is served by the longer index, in the same order; each one only cost
-- a write and disk space per row. See docs/metadata.md.
DROP INDEX idx_repos_forge;       -- = UNIQUE(forge_type, owner, name)
DROP INDEX idx_jobs_repo;         -- prefix of idx_jobs_repo_created, idx_jobs_repo_branch_created, idx_jobs_repo_pr
DROP INDEX idx_jobs_status;       -- prefix of idx_jobs_status_created
DROP INDEX idx_jobs_created;      -- prefix of idx_jobs_created_id
DROP INDEX idx_jobs_repo_branch;  -- prefix of idx_jobs_repo_branch_created
DROP INDEX idx_job_logs_job;      -- = UNIQUE(job_id, chunk_seq)
