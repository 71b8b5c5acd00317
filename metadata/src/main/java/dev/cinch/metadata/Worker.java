package dev.cinch.metadata;

import java.time.Instant;
import java.util.List;

/** A registered worker machine. Its token hash is never loaded into this record. */
public record Worker(String id, String name, List<String> labels, Instant lastSeen, WorkerStatus status,
                     Instant createdAt, Instant updatedAt) {
    public Worker {
        labels = List.copyOf(labels);
    }
}
