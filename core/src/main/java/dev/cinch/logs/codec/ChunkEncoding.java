package dev.cinch.logs.codec;

/** How a stored chunk payload is encoded. Codes are part of every on-disk format; never renumber. */
public enum ChunkEncoding {
    /** Stored as is: compression would not have shrunk it (already-compressed or random bytes). */
    RAW(0),
    /** One zstd frame, optionally with a dictionary. */
    ZSTD(1);

    private final int code;

    ChunkEncoding(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static ChunkEncoding fromCode(int code) {
        return switch (code) {
            case 0 -> RAW;
            case 1 -> ZSTD;
            default -> throw new IllegalArgumentException("unknown chunk encoding " + code);
        };
    }
}
