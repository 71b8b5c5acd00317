package dev.cinch.logs;

import java.util.Locale;

/** Which output stream of the build a chunk came from. */
public enum LogStream {
    STDOUT(0),
    STDERR(1);

    private final int code;

    LogStream(int code) {
        this.code = code;
    }

    /** Stable one-byte code used in every stored format. */
    public int code() {
        return code;
    }

    public static LogStream fromCode(int code) {
        return switch (code) {
            case 0 -> STDOUT;
            case 1 -> STDERR;
            default -> throw new IllegalArgumentException("unknown stream code " + code);
        };
    }

    /** Parses {@code stdout} / {@code stderr} (any case), as the seed stores them. */
    public static LogStream parse(String name) {
        if (name != null) {
            switch (name.toLowerCase(Locale.ROOT)) {
                case "stdout":
                    return STDOUT;
                case "stderr":
                    return STDERR;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("stream must be stdout or stderr, got '" + name + "'");
    }

    /** The seed's spelling: {@code stdout} or {@code stderr}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
