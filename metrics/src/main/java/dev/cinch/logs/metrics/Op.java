package dev.cinch.logs.metrics;

/**
 * The calls a {@link MeteredLogStore} measures, each with the timer it is recorded in and the value of its {@code op}
 * tag. One enum rather than strings so that each call finds its meters by index, with no look-up by name.
 */
enum Op {
    APPEND(MeterNames.APPEND, "append"),
    WRITER_APPEND(MeterNames.APPEND, "writer"),
    CHUNKS(MeterNames.READ, "chunks"),
    RANGE(MeterNames.READ, "range"),
    TAIL(MeterNames.READ, "tail"),
    LINES(MeterNames.READ, "lines"),
    STAT(MeterNames.READ, "stat"),
    EXISTS(MeterNames.READ, "exists"),
    LIST(MeterNames.READ, "list"),
    VERIFY(MeterNames.READ, "verify"),
    EXPORT(MeterNames.READ, "export"),
    /** Opening a follower; its polls block for their timeout, so they are measured by lag, not by a timer. */
    FOLLOW(MeterNames.READ, "follow"),
    OPEN_WRITER(MeterNames.MANAGE, "open_writer"),
    SEAL(MeterNames.MANAGE, "seal"),
    DELETE(MeterNames.MANAGE, "delete"),
    IMPORT(MeterNames.MANAGE, "import");

    final String timer;
    final String tag;

    Op(String timer, String tag) {
        this.timer = timer;
        this.tag = tag;
    }
}
