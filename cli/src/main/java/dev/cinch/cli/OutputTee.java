package dev.cinch.cli;

import dev.cinch.logs.LogStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Copies a child process's stdout and stderr to the terminal and, chunk by chunk as they arrive, into its log.
 *
 * <p>The terminal and the log fail independently. When storing fails, the copy to the terminal goes on unchanged
 * and storing stops for both streams, so the log stays a prefix of the output (a later chunk stored after a failed
 * one would leave a hole that looks like a complete log). When writing to the terminal fails, storing goes on, so the
 * log still gets everything. The first failure of each kind is kept for the caller to report once, after the child
 * has exited: a report in the middle of the child's own stderr could land mid-line.
 */
final class OutputTee {
    /** Why copying one of the child's streams to the terminal stopped early. */
    record PassThroughFailure(LogStream stream, String what, IOException cause) {
    }

    private final ChunkWriter log;
    private final int chunkSize;
    private final Object storing = new Object();
    private RuntimeException storageFailure; // guarded by storing
    private long bytesStored; // guarded by storing
    private final AtomicReference<PassThroughFailure> passThroughFailure = new AtomicReference<>();

    OutputTee(ChunkWriter log, int chunkSize) {
        this.log = log;
        this.chunkSize = chunkSize;
    }

    /** Starts a thread copying {@code from} (one of the child's streams) until it ends. */
    Thread start(InputStream from, OutputStream terminal, LogStream stream) {
        Thread t = new Thread(() -> copy(from, terminal, stream), "cinchlog-run-" + stream.wireName());
        t.start();
        return t;
    }

    private void copy(InputStream from, OutputStream terminal, LogStream stream) {
        byte[] buf = new byte[chunkSize];
        boolean toTerminal = true;
        try {
            int n;
            while ((n = from.read(buf)) > 0) {
                if (toTerminal) {
                    try {
                        synchronized (terminal) {
                            terminal.write(buf, 0, n);
                            terminal.flush();
                        }
                    } catch (IOException e) {
                        passThroughFailure.compareAndSet(null, new PassThroughFailure(stream, "writing it to the terminal", e));
                        toTerminal = false;
                    }
                }
                store(stream, buf, n);
            }
        } catch (IOException e) {
            // Reading the child's pipe failed; there is nothing more to copy anywhere.
            passThroughFailure.compareAndSet(null, new PassThroughFailure(stream, "reading it from the command", e));
        }
    }

    private void store(LogStream stream, byte[] buf, int n) {
        synchronized (storing) {
            if (storageFailure != null) {
                return;
            }
            try {
                log.write(stream, buf, n);
                bytesStored += n;
            } catch (RuntimeException e) {
                storageFailure = e;
            }
        }
    }

    /** The first storing failure; once there is one, nothing more was stored. */
    Optional<RuntimeException> storageFailure() {
        synchronized (storing) {
            return Optional.ofNullable(storageFailure);
        }
    }

    /** Bytes of output whose chunks the store acknowledged. */
    long bytesStored() {
        synchronized (storing) {
            return bytesStored;
        }
    }

    Optional<PassThroughFailure> passThroughFailure() {
        return Optional.ofNullable(passThroughFailure.get());
    }
}
