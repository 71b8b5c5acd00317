package dev.cinch.logs;

import java.time.Duration;
import java.util.List;

/**
 * A live view of one log from {@link LogStore#follow}. Not thread-safe: one consumer polls it.
 */
public interface LogFollower extends AutoCloseable {

    /**
     * Waits up to {@code timeout} for chunks after the ones already delivered and returns them in seq order; an
     * empty list means nothing new arrived in time, or the follower {@link #isFinished() finished}.
     *
     * @throws LogNotFoundException if the log was deleted while being followed
     * @throws InterruptedException if the waiting thread is interrupted
     */
    List<LogChunk> poll(Duration timeout) throws InterruptedException;

    /** True once the log is sealed and every chunk has been delivered. */
    boolean isFinished();

    /** The seq of the next chunk this follower will deliver. */
    long nextSeq();

    @Override
    void close();
}
