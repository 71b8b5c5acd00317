package dev.cinch.logs;

/** The store was closed; no further calls are served. */
public class LogStoreClosedException extends LogStoreException {
    public LogStoreClosedException(String store) {
        super(null, "log store '" + store + "' is closed");
    }
}
