package dev.cinch.logs.s3;

/** What {@code append}'s return promises on the s3 store ({@code s3.durability}). */
public enum S3Durability {
    /**
     * The chunk is in a segment object that S3 has acknowledged: it survives the loss of this process and of its
     * machine, and every server instance reads it. Appends to one log made while a segment is being stored share the
     * next segment (group commit), so a busy log costs one PUT per round trip, not one per chunk.
     */
    STORED,
    /**
     * The chunk is in this process's memory and visible to this store's readers; it is stored in a segment once the
     * log's buffered chunks reach {@code s3.segment-size}, at the latest {@code s3.flush-interval} after it was
     * appended, and on seal, close or when the writer role is given up. If the process dies, the chunks of the last
     * flush interval are lost (the worker resends from the seq the store reports as expected).
     */
    BUFFERED
}
