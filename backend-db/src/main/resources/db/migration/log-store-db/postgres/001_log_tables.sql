-- The db log store's tables (owned by backend-db; migrated as component "log-store-db").
-- No foreign key to jobs: a log store holds logs of jobs it is given (the CLI, tier moves, a store without
-- metadata); retention deletes logs through the store before it deletes the job row.
-- Job ids sort bytewise (COLLATE "C") so that list pages are the same on every server locale.

-- One row per log: its form, the totals of its committed chunks, the writer role (a lease) and, once sealed, its
-- archive. Totals live here so that stat and the next seq are one lookup, never a scan of the chunks.
CREATE TABLE log_heads (
    job_id        TEXT COLLATE "C" PRIMARY KEY,
    sealed        INTEGER NOT NULL DEFAULT 0,
    chunks        BIGINT NOT NULL DEFAULT 0,
    raw_bytes     BIGINT NOT NULL DEFAULT 0,
    crc32c        INTEGER NOT NULL DEFAULT 0,
    last_ts       BIGINT NOT NULL DEFAULT 0,
    stored_bytes  BIGINT NOT NULL DEFAULT 0,
    writer        TEXT,
    lease_until   BIGINT NOT NULL DEFAULT 0,
    archive_id    BIGINT,
    archive_size  BIGINT
);

-- Chunks of open logs: the body as stored (zstd or raw bytes, never text) with what reads need to find bytes
-- without decoding anything (raw offset and length) and to check them (CRC32C of the raw bytes).
CREATE TABLE log_chunks (
    job_id         TEXT COLLATE "C" NOT NULL,
    seq            BIGINT NOT NULL,
    raw_offset     BIGINT NOT NULL,
    raw_length     INTEGER NOT NULL,
    stream         SMALLINT NOT NULL,
    ts             BIGINT NOT NULL,
    crc32c         INTEGER NOT NULL,
    encoding       SMALLINT NOT NULL,
    dictionary_id  INTEGER NOT NULL,
    body           BYTEA NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- Byte ranges and tails: the chunk holding a raw offset is one index lookup.
CREATE INDEX idx_log_chunks_offset ON log_chunks(job_id, raw_offset);

-- Lease renewal updates the heads of one writer instance.
CREATE INDEX idx_log_heads_writer ON log_heads(writer);

-- Sealed logs in the archive form (seekable zstd), staged by a seal or import until committed (size set).
CREATE TABLE log_archives (
    archive_id  BIGSERIAL PRIMARY KEY,
    job_id      TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL,
    size        BIGINT
);

CREATE INDEX idx_log_archives_job ON log_archives(job_id);

-- The archive's bytes in fixed-size parts, so a range read fetches only the parts its frames lie in.
CREATE TABLE log_archive_parts (
    archive_id  BIGINT NOT NULL,
    part        INTEGER NOT NULL,
    data        BYTEA NOT NULL,
    PRIMARY KEY (archive_id, part)
);

-- zstd dictionaries for chunk bodies; rows record the id they were compressed with.
CREATE TABLE log_dictionaries (
    id          INTEGER PRIMARY KEY,
    created_at  BIGINT NOT NULL,
    samples     INTEGER NOT NULL,
    data        BYTEA NOT NULL
);
