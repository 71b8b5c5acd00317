-- Which of a job's environment variables hold secrets (a JSON array of names): their values, encrypted in env_json
-- like every env value, are also masked in the job's log. Names are not secret.
ALTER TABLE jobs ADD COLUMN secret_env TEXT NOT NULL DEFAULT '[]';
