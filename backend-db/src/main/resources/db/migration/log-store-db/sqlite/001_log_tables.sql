-- The db log store's tables (owned by backend-db; migrated as component "log-store-db").
-- No foreign key to jobs: a log store holds logs of jobs it is given (the CLI, tier moves, a store without
-- metadata); retention deletes logs through the store before it deletes the job row.

-- One row per log: its form, the totals of its committed chunks, the writer role (a lease) and, once sealed, its
-- archive. Totals live here so that stat and the next seq are one lookup, never a scan of the chunks.
CREATE TABLE log_heads (
    job_id        TEXT PRIMARY KEY,
    sealed        INTEGER NOT NULL DEFAULT 0,
    chunks        INTEGER NOT NULL DEFAULT 0,
    raw_bytes     INTEGER NOT NULL DEFAULT 0,
    crc32c        INTEGER NOT NULL DEFAULT 0,
    last_ts       INTEGER NOT NULL DEFAULT 0,
    stored_bytes  INTEGER NOT NULL DEFAULT 0,
    writer        TEXT,
    lease_until   INTEGER NOT NULL DEFAULT 0,
    archive_id    INTEGER,
    archive_size  INTEGER
);

-- Chunks of open logs: the body as stored (zstd or raw bytes, never text) with what reads need to find bytes
-- without decoding anything (raw offset and length) and to check them (CRC32C of the raw bytes).
CREATE TABLE log_chunks (
    job_id         TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    raw_offset     INTEGER NOT NULL,
    raw_length     INTEGER NOT NULL,
    stream         INTEGER NOT NULL,
    ts             INTEGER NOT NULL,
    crc32c         INTEGER NOT NULL,
    encoding       INTEGER NOT NULL,
    dictionary_id  INTEGER NOT NULL,
    body           BLOB NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- Byte ranges and tails: the chunk holding a raw offset is one index lookup.
CREATE INDEX idx_log_chunks_offset ON log_chunks(job_id, raw_offset);

-- Lease renewal updates the heads of one writer instance.
CREATE INDEX idx_log_heads_writer ON log_heads(writer);

-- Sealed logs in the archive form (seekable zstd), staged by a seal or import until committed (size set).
CREATE TABLE log_archives (
    archive_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    size        INTEGER
);

CREATE INDEX idx_log_archives_job ON log_archives(job_id);

-- The archive's bytes in fixed-size parts, so a range read fetches only the parts its frames lie in.
CREATE TABLE log_archive_parts (
    archive_id  INTEGER NOT NULL,
    part        INTEGER NOT NULL,
    data        BLOB NOT NULL,
    PRIMARY KEY (archive_id, part)
);

-- zstd dictionaries for chunk bodies; rows record the id they were compressed with.
CREATE TABLE log_dictionaries (
    id          INTEGER PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    samples     INTEGER NOT NULL,
    data        BLOB NOT NULL
);
