-- Cinch metadata, Postgres dialect, version 1: every table and index of the seed schema.
-- Timestamps are TIMESTAMPTZ, JSON is JSONB, stored bytes are BYTEA: chunk data, and the secret columns,
-- which hold the binary envelope 0x01 | keyId(4) | nonce(12) | ciphertext | tag(16), never plaintext.

CREATE TABLE workers (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL,
    labels      JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(labels) = 'array'),
    last_seen   TIMESTAMPTZ,
    status      TEXT NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'offline', 'busy')),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_workers_status ON workers(status);
CREATE INDEX idx_workers_last_seen ON workers(last_seen);
-- Serves "labels @> '["linux"]'".
CREATE INDEX idx_workers_labels ON workers USING GIN (labels jsonb_path_ops);

CREATE TABLE repos (
    id             TEXT PRIMARY KEY,
    forge_type     TEXT NOT NULL,
    owner          TEXT NOT NULL,
    name           TEXT NOT NULL,
    clone_url      TEXT NOT NULL,
    html_url       TEXT NOT NULL,
    private        BOOLEAN NOT NULL DEFAULT FALSE,
    webhook_secret BYTEA,
    forge_token    BYTEA,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT NOW(),

    UNIQUE(forge_type, owner, name)
);

CREATE INDEX idx_repos_forge ON repos(forge_type, owner, name);

CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    repo_id      TEXT NOT NULL REFERENCES repos(id),
    worker_id    TEXT REFERENCES workers(id),

    commit_sha   TEXT NOT NULL,
    branch       TEXT NOT NULL,
    is_pr        BOOLEAN NOT NULL DEFAULT FALSE,
    pr_number    INTEGER,

    command      TEXT NOT NULL,
    timeout_sec  INTEGER NOT NULL DEFAULT 1800,
    env_json     JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(env_json) = 'object'),

    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'running', 'success', 'failure', 'error', 'cancelled')),
    exit_code    INTEGER,
    error_msg    TEXT,

    created_at   TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    started_at   TIMESTAMPTZ,
    finished_at  TIMESTAMPTZ,

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

CREATE TABLE job_logs (
    id          BIGSERIAL PRIMARY KEY,
    job_id      TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    chunk_seq   INTEGER NOT NULL,
    stream      TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr')),
    data        BYTEA NOT NULL,
    timestamp   TIMESTAMPTZ NOT NULL,

    UNIQUE(job_id, chunk_seq)
);

CREATE INDEX idx_job_logs_job ON job_logs(job_id, chunk_seq);

CREATE TABLE tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL,
    type        TEXT NOT NULL CHECK (type IN ('worker', 'admin', 'readonly')),
    worker_id   TEXT REFERENCES workers(id),
    scopes      JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(scopes) = 'array'),
    last_used   TIMESTAMPTZ,
    expires_at  TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    revoked_at  TIMESTAMPTZ
);

CREATE INDEX idx_tokens_type ON tokens(type);

CREATE TABLE forge_credentials (
    id            TEXT PRIMARY KEY,
    forge_type    TEXT NOT NULL,
    cred_type     TEXT NOT NULL CHECK (cred_type IN ('app', 'oauth', 'pat')),

    app_id        TEXT,
    private_key   BYTEA,

    access_token  BYTEA,
    refresh_token BYTEA,
    expires_at    TIMESTAMPTZ,

    owner         TEXT,

    created_at    TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_forge_creds ON forge_credentials(forge_type, owner);
