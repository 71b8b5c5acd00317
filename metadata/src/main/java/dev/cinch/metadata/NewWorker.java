package dev.cinch.metadata;

import java.util.List;

/** What a caller gives to register a worker; see {@link Labels#parseJson} for labels that arrive as JSON. */
public record NewWorker(String name, List<String> labels) {
    public NewWorker {
        labels = labels == null ? List.of() : labels;
    }
}
