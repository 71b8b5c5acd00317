package dev.cinch.logs.fs;

/**
 * What an acknowledged append promises. Every mode survives a crash of the process ({@code kill -9}): the bytes
 * are in the operating system before {@code append} returns. The modes differ on power loss or kernel crash.
 */
public enum Durability {
    /** Each append is fsynced before it returns. Safest and slowest: one fsync per chunk. */
    FSYNC,
    /**
     * Appends wait for a shared fsync that runs at most every {@code fs.group-commit-interval}: when {@code append}
     * returns the chunk is on disk, exactly as with {@link #FSYNC}, but concurrent appends (to any logs) share one
     * fsync per file per interval. Costs up to one interval of latency per append. The default.
     */
    GROUP,
    /**
     * No fsync until {@code seal}: acknowledged chunks survive a process crash but chunks acknowledged in the last
     * seconds before a power loss may be lost (the torn tail is cut off on recovery; nothing corrupt is ever read).
     */
    NONE
}
