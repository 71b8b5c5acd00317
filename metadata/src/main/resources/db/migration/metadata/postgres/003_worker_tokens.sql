-- A worker authenticates with its token in the tokens table (type 'worker', worker_id set). workers.token_hash held
-- a second copy of that hash, which revoking the token did not touch: drop it, so revocation is the one truth.
ALTER TABLE workers DROP COLUMN token_hash;
