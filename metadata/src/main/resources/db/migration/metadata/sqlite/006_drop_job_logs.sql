-- Log chunks move to the log store: the db backend owns its own tables (log_heads, log_chunks, ...), migrated by
-- that module. The seed's job_logs table goes with createJobWithLogs/getLogs, its only writer and reader; rows
-- written by createJobWithLogs in pre-release databases are dropped with it (see docs/adr/0004-db-store.md).
DROP TABLE job_logs;
