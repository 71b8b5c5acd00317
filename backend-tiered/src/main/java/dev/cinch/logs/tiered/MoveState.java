package dev.cinch.logs.tiered;

/**
 * Where a sealed log stands in its move between tiers. Each step is recorded before the work it allows, so a crash
 * at any point leaves a row that says what the next run must do, and which tier answers reads meanwhile.
 */
public enum MoveState {
    /** At rest in its tier; no move under way. */
    RESIDENT,
    /** Claimed for a move down: the destination may hold a partial or complete copy; the source answers reads. */
    COPY_STARTED,
    /** The destination's copy is verified (chunks, length, CRC32C equal the source's); the source still answers. */
    COPIED,
    /** The destination answers reads now; the source's copy is being deleted. */
    SOURCE_DELETE_STARTED
}
