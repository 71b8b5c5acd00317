package dev.cinch.metadata;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A job's life cycle: {@code pending → running → success | failure | error | cancelled}, and
 * {@code pending → cancelled}. Terminal statuses never change again.
 */
public enum JobStatus {
    PENDING, RUNNING, SUCCESS, FAILURE, ERROR, CANCELLED;

    /** Statuses a job has once it is over: the ones retention may delete. */
    public static final Set<JobStatus> TERMINAL = EnumSet.of(SUCCESS, FAILURE, ERROR, CANCELLED);

    /** The name stored in the database and shown to users: {@code pending}, {@code running}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    /** True when a job in this status may move to {@code next}. */
    public boolean canMoveTo(JobStatus next) {
        return switch (this) {
            case PENDING -> next == RUNNING || next == CANCELLED;
            case RUNNING -> next.isTerminal();
            default -> false;
        };
    }

    List<String> allowedNextNames() {
        return Arrays.stream(values()).filter(this::canMoveTo).map(JobStatus::wireName).toList();
    }

    /** Parses a stored or user-given status; unknown names are an {@link InvalidInputException} listing the valid ones. */
    public static JobStatus parse(String name) {
        if (name != null) {
            for (JobStatus s : values()) {
                if (s.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
        }
        throw new InvalidInputException("status", "unknown job status '" + Strings.printable(name) + "'; valid: "
                + Arrays.stream(values()).map(JobStatus::wireName).toList());
    }
}
