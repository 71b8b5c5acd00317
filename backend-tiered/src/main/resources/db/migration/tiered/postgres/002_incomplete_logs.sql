-- Logs the store sealed itself because their writer went away mid-job (the sweeper's "worker lost"): their end is
-- not the job's end, and stat says so. Written before the seal, so a crash in between leaves a mark on a still open
-- log (stat shows it open; the next sweep seals it), never a sealed log that looks complete.
CREATE TABLE log_incomplete (
    job_id    TEXT   NOT NULL PRIMARY KEY,
    reason    TEXT   NOT NULL,
    marked_at BIGINT NOT NULL
);
