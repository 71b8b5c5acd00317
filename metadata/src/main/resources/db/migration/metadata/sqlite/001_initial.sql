-- Cinch metadata, SQLite dialect, version 1: every table and index of the seed schema.
-- Timestamps are INTEGER unix seconds (job_logs.timestamp: unix milliseconds, as chunks carry them);
-- JSON is TEXT, checked with json_valid so a non-array never lands in a labels/scopes column.
-- Secret columns hold the text envelope "v1:<keyId>:<base64url(nonce|ciphertext|tag)>", never plaintext.

CREATE TABLE workers (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL,
    labels      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(labels) AND json_type(labels) = 'array'),
    last_seen   INTEGER,
    status      TEXT NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'offline', 'busy')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE INDEX idx_workers_status ON workers(status);
CREATE INDEX idx_workers_last_seen ON workers(last_seen);

CREATE TABLE repos (
    id             TEXT PRIMARY KEY,
    forge_type     TEXT NOT NULL,
    owner          TEXT NOT NULL,
    name           TEXT NOT NULL,
    clone_url      TEXT NOT NULL,
    html_url       TEXT NOT NULL,
    private        INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
    webhook_secret TEXT,
    forge_token    TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,

    UNIQUE(forge_type, owner, name)
);

CREATE INDEX idx_repos_forge ON repos(forge_type, owner, name);

CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    repo_id      TEXT NOT NULL REFERENCES repos(id),
    worker_id    TEXT REFERENCES workers(id),

    commit_sha   TEXT NOT NULL,
    branch       TEXT NOT NULL,
    is_pr        INTEGER NOT NULL DEFAULT 0 CHECK (is_pr IN (0, 1)),
    pr_number    INTEGER,

    command      TEXT NOT NULL,
    timeout_sec  INTEGER NOT NULL DEFAULT 1800,
    env_json     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(env_json) AND json_type(env_json) = 'object'),

    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'running', 'success', 'failure', 'error', 'cancelled')),
    exit_code    INTEGER,
    error_msg    TEXT,

    created_at   INTEGER NOT NULL,
    started_at   INTEGER,
    finished_at  INTEGER,

    triggered_by TEXT,
    trigger_user TEXT
);

-- The seed's indexes.
CREATE INDEX idx_jobs_repo ON jobs(repo_id);
CREATE INDEX idx_jobs_status ON jobs(status);
CREATE INDEX idx_jobs_created ON jobs(created_at DESC);
CREATE INDEX idx_jobs_repo_branch ON jobs(repo_id, branch);
CREATE INDEX idx_jobs_commit ON jobs(commit_sha);
-- Added so that listing pages (ORDER BY created_at DESC, id DESC) and retention read an index range in
-- order instead of sorting every matching row: the common filters end in the page order.
CREATE INDEX idx_jobs_created_id ON jobs(created_at DESC, id DESC);
CREATE INDEX idx_jobs_repo_created ON jobs(repo_id, created_at DESC, id DESC);
CREATE INDEX idx_jobs_repo_branch_created ON jobs(repo_id, branch, created_at DESC, id DESC);
CREATE INDEX idx_jobs_status_created ON jobs(status, created_at DESC, id DESC);
CREATE INDEX idx_jobs_repo_pr ON jobs(repo_id, pr_number);
-- Retention walks finished jobs oldest first; finished_at is set only for terminal statuses.
CREATE INDEX idx_jobs_finished ON jobs(finished_at, id);

-- Chunk data is BLOB, not the seed's TEXT: build output holds invalid UTF-8 and NUL bytes.
CREATE TABLE job_logs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id      TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    chunk_seq   INTEGER NOT NULL,
    stream      TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr')),
    data        BLOB NOT NULL,
    timestamp   INTEGER NOT NULL,

    UNIQUE(job_id, chunk_seq)
);

CREATE INDEX idx_job_logs_job ON job_logs(job_id, chunk_seq);

CREATE TABLE tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL,
    type        TEXT NOT NULL CHECK (type IN ('worker', 'admin', 'readonly')),
    worker_id   TEXT REFERENCES workers(id),
    scopes      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(scopes) AND json_type(scopes) = 'array'),
    last_used   INTEGER,
    expires_at  INTEGER,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

CREATE INDEX idx_tokens_type ON tokens(type);

CREATE TABLE forge_credentials (
    id            TEXT PRIMARY KEY,
    forge_type    TEXT NOT NULL,
    cred_type     TEXT NOT NULL CHECK (cred_type IN ('app', 'oauth', 'pat')),

    app_id        TEXT,
    private_key   TEXT,

    access_token  TEXT,
    refresh_token TEXT,
    expires_at    INTEGER,

    owner         TEXT,

    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE INDEX idx_forge_creds ON forge_credentials(forge_type, owner);
