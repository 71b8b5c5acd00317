-- Secrets (format v2) are bound by their AES-GCM additional data to the row's scoping columns and to this per-row
-- version, which every write of the row's secrets increments: a ciphertext moved between rows, a row whose scoping
-- columns were changed, and an older ciphertext restored over a newer one all fail to decrypt.
-- Rows written before this version hold v1 values (bound to table, column and row id only) until `keys rotate`.
ALTER TABLE repos ADD COLUMN secret_version INTEGER NOT NULL DEFAULT 0 CHECK (secret_version >= 0);
ALTER TABLE forge_credentials ADD COLUMN secret_version INTEGER NOT NULL DEFAULT 0 CHECK (secret_version >= 0);
ALTER TABLE jobs ADD COLUMN secret_version INTEGER NOT NULL DEFAULT 0 CHECK (secret_version >= 0);
