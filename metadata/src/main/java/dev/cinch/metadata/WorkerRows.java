package dev.cinch.metadata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Reads {@code workers} rows into {@link Worker}s. */
final class WorkerRows {
    static final String COLUMNS = "id, name, labels, last_seen, status, created_at, updated_at";

    private final Columns cols;

    WorkerRows(Columns cols) {
        this.cols = cols;
    }

    Worker map(ResultSet rs) throws SQLException {
        return new Worker(rs.getString("id"), rs.getString("name"), Labels.listFromJson("workers.labels", rs.getString("labels")),
                cols.getInstant(rs, "last_seen"), WorkerStatus.parse(rs.getString("status")),
                cols.getInstant(rs, "created_at"), cols.getInstant(rs, "updated_at"));
    }

    Optional<Worker> load(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM workers WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }
}
