package dev.cinch.logs.storage;

/** Which form a job's log has in a {@link LogStorage}. */
public enum LogForm {
    /** Nothing is stored for the job. */
    ABSENT,
    /** Chunks are stored one by one and the log may still grow. */
    OPEN,
    /**
     * The log is one archive and never changes again. A backend whose seal was interrupted between making the archive
     * the log's form and removing the open form answers SEALED: the archive wins, and the leftovers go at the next
     * seal or delete.
     */
    SEALED
}
