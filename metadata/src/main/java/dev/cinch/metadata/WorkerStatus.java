package dev.cinch.metadata;

import java.util.Arrays;
import java.util.Locale;

/** Whether a worker is connected and free. */
public enum WorkerStatus {
    ONLINE, OFFLINE, BUSY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WorkerStatus parse(String name) {
        if (name != null) {
            for (WorkerStatus s : values()) {
                if (s.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
        }
        throw new InvalidInputException("worker status", "unknown worker status '" + Strings.printable(name) + "'; valid: "
                + Arrays.stream(values()).map(WorkerStatus::wireName).toList());
    }
}
