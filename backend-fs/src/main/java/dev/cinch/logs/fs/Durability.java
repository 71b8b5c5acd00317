package dev.cinch.logs.fs;

/**
 * What an acknowledged append promises. Every mode survives a crash of the process ({@code kill -9}): the bytes
 * are in the operating system before {@code append} returns. The modes differ on power loss or kernel crash.
 */
public enum Durability {
    /**
     * Each append forces the log before it returns, holding the log's write lock meanwhile: the plain baseline.
     * The same promise as {@link #GROUP}; concurrent appends to one log queue behind each force.
     */
    FSYNC,
    /**
     * Group commit: when {@code append} returns the chunk is on disk, exactly as with {@link #FSYNC}. An append to a
     * log with no sync running forces at once; appends arriving while one runs wait and share the next one, and they
     * are written meanwhile instead of queueing behind the force. Logs sync in parallel on their appenders' own
     * threads, and the filesystem coalesces concurrent fsyncs into one journal commit. The default.
     */
    GROUP,
    /**
     * No fsync until {@code seal}: acknowledged chunks survive a process crash but chunks acknowledged in the last
     * seconds before a power loss may be lost (the torn tail is cut off on recovery; nothing corrupt is ever read).
     */
    NONE
}
