-- Where each sealed log of the tiered store lives, and the state of its move between tiers (KIP-405 style).
-- Open logs have no row: they are in the hot tier. A row's tier is the one that answers reads; a move claims the
-- row with a lease, copies, verifies, then makes the destination the answering tier before deleting the source.
CREATE TABLE log_locations (
    job_id      TEXT    NOT NULL PRIMARY KEY,
    tier        TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('RESIDENT', 'COPY_STARTED', 'COPIED', 'SOURCE_DELETE_STARTED')),
    other_tier  TEXT,
    sealed_at   BIGINT  NOT NULL,
    raw_bytes   BIGINT  NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT,
    updated_at  BIGINT  NOT NULL,
    CHECK ((state = 'RESIDENT') = (other_tier IS NULL))
);

-- The archival job's question: which logs of this tier, resident, were sealed before the cutoff.
CREATE INDEX idx_log_locations_tier_state_sealed ON log_locations (tier, state, sealed_at);
