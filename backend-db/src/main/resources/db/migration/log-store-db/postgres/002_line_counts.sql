-- Newline counts of open logs (ADR 0009), so that a line read finds the chunk holding a line by a binary search
-- instead of decoding the log from its first chunk. NULL in rows stored before this migration: those logs are read
-- by that scan, as before; a log keeps counts for all its chunks or for none (its head's count is NULL too).
-- log_chunks.newlines_after: the number of \n bytes in chunks 0..seq of the log.
ALTER TABLE log_chunks ADD COLUMN newlines_after BIGINT;
-- log_heads.newlines: the same for the log's committed chunks; new logs start at 0.
ALTER TABLE log_heads ADD COLUMN newlines BIGINT;
