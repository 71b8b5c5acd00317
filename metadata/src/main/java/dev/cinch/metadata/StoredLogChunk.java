package dev.cinch.metadata;

import dev.cinch.logs.LogChunk;

/** A row of the {@code job_logs} table, as {@link MetadataStore#getLogs} returns it. */
public record StoredLogChunk(long id, LogChunk chunk) {
}
