package dev.cinch.logs.s3;

import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.archive.ChunkIndexEntry;
import dev.cinch.logs.codec.ChunkEncoding;
import dev.cinch.logs.codec.EncodedChunk;
import dev.cinch.logs.storage.LogTotals;
import dev.cinch.logs.storage.StoredChunk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One segment object: the chunks {@code firstSeq .. firstSeq+count-1} of an open log, immutable once stored. Layout
 * (little endian): a header, protected by its own CRC32C, then the chunks' stored bodies back to back.
 * <pre>
 *   magic "CNCHSEG1" | headerLength u32 | count u32 | firstSeq i64 | rawStart i64
 *   after: chunks i64 | rawBytes i64 | crc32c u32 | lastTimestamp i64          (the log's totals after this segment)
 *   count x { length u32 | stream u8 | encoding u8 | timestamp i64 | crc32c u32 | dictionaryId u32 | storedLength u32 }
 *   headerCrc32c u32                                                               (of every header byte before it)
 *   bodies
 * </pre>
 * The totals after the segment are what an open log's {@code stat} answers: a reader gets them from the last
 * segment's header alone.
 *
 * <p>Version 2 (magic {@code "CNCHSEG2"}) adds newline counts (ADR 0009): {@code newlines i64} after
 * {@code lastTimestamp} (the log's count after the segment) and {@code newlinesAfter i64} at the end of each entry
 * (the log's count up to and including that chunk), so a line read binary-searches them. A log stored before counts
 * were kept has version 1 segments and goes on getting them (its counts are unknown); they are read as before.
 */
final class Segment {
    static final byte[] MAGIC = "CNCHSEG1".getBytes(StandardCharsets.US_ASCII);
    static final byte[] MAGIC_V2 = "CNCHSEG2".getBytes(StandardCharsets.US_ASCII);
    static final int FIXED_BYTES = 8 + 4 + 4 + 8 + 8 + 8 + 8 + 4 + 8;
    static final int ENTRY_BYTES = 4 + 1 + 1 + 8 + 4 + 4 + 4;

    private Segment() {
    }

    static int headerLength(int count) {
        return headerLength(count, false);
    }

    static int headerLength(int count, boolean v2) {
        return v2 ? FIXED_BYTES + 8 + count * (ENTRY_BYTES + 8) + 4 : FIXED_BYTES + count * ENTRY_BYTES + 4;
    }

    /**
     * The object's bytes for {@code chunks}, which follow a log prefix of {@code before} and lead to {@code after};
     * {@code newlinesAfter[i]} is the log's newline count through chunk i. Version 2 when the counts are known.
     */
    static byte[] encode(List<StoredChunk> chunks, long[] newlinesAfter, LogTotals before, LogTotals after) {
        boolean v2 = after.newlinesKnown();
        int header = headerLength(chunks.size(), v2);
        long total = header;
        for (StoredChunk c : chunks) {
            total += c.body().payload().length;
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("segment of " + total + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(v2 ? MAGIC_V2 : MAGIC).putInt(header).putInt(chunks.size()).putLong(before.chunks()).putLong(before.rawBytes());
        b.putLong(after.chunks()).putLong(after.rawBytes()).putInt(after.crc32c()).putLong(after.lastTimestampMillis());
        if (v2) {
            b.putLong(after.newlines());
        }
        for (int i = 0; i < chunks.size(); i++) {
            StoredChunk c = chunks.get(i);
            ChunkIndexEntry e = c.entry();
            EncodedChunk body = c.body();
            b.putInt(e.length()).put((byte) e.stream().code()).put((byte) body.encoding().code())
                    .putLong(e.timestampMillis()).putInt(e.crc32c()).putInt(body.dictionaryId()).putInt(body.payload().length);
            if (v2) {
                b.putLong(newlinesAfter[i]);
            }
        }
        b.putInt(crc(b.array(), 0, header - 4));
        for (StoredChunk c : chunks) {
            b.put(c.body().payload());
        }
        return b.array();
    }

    private static int crc(byte[] a, int from, int length) {
        CRC32C c = new CRC32C();
        c.update(a, from, length);
        return (int) c.getValue();
    }

    /** Where entry {@code i} starts in the header of a segment starting with {@code prefix}. */
    static int entryOffset(byte[] prefix, int i) {
        return prefix[7] == '2' ? FIXED_BYTES + 8 + i * (ENTRY_BYTES + 8) : FIXED_BYTES + i * ENTRY_BYTES;
    }

    /** How many header bytes a segment starting with {@code prefix} has, or -1 when the prefix is not a segment. */
    static int declaredHeaderLength(byte[] prefix) {
        if (prefix.length < FIXED_BYTES || (!Arrays.equals(prefix, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                && !Arrays.equals(prefix, 0, MAGIC_V2.length, MAGIC_V2, 0, MAGIC_V2.length))) {
            return -1;
        }
        return ByteBuffer.wrap(prefix, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    /**
     * The parsed header of a segment: where each chunk lies, in the log and in the object.
     *
     * @param bodyOffsets offset in the object of chunk i's body; element [count] is the object's expected size
     * @param newlinesAfter the log's newline count through chunk i; null in a version 1 segment
     */
    record Header(long firstSeq, long rawStart, LogTotals after, ChunkIndexEntry[] entries, ChunkEncoding[] encodings,
                  int[] dictionaryIds, long[] bodyOffsets, long[] newlinesAfter) {
        int count() {
            return entries.length;
        }

        long endSeq() {
            return firstSeq + entries.length;
        }

        /** Heap bytes this header takes, for the cache's bound. */
        long weight() {
            return 128L + entries.length * 96L;
        }

        ChunkIndexEntry entry(long seq) {
            return entries[(int) (seq - firstSeq)];
        }

        /** Newlines in chunks {@code 0..seq}, {@code seq} in this segment; unknown in a version 1 segment. */
        long newlinesThrough(long seq) {
            return newlinesAfter == null ? LogTotals.UNKNOWN_NEWLINES : newlinesAfter[(int) (seq - firstSeq)];
        }

        /** Chunks {@code [from, to)} whose bodies are {@code bodies[0..]}, which start at object offset {@code at}. */
        List<StoredChunk> chunks(long from, long to, byte[] bodies, long at) {
            List<StoredChunk> out = new ArrayList<>((int) (to - from));
            for (long s = from; s < to; s++) {
                int i = (int) (s - firstSeq);
                int start = (int) (bodyOffsets[i] - at);
                byte[] payload = Arrays.copyOfRange(bodies, start, start + (int) (bodyOffsets[i + 1] - bodyOffsets[i]));
                ChunkIndexEntry e = entries[i];
                out.add(new StoredChunk(e, new EncodedChunk(payload, e.length(), e.crc32c(), encodings[i], dictionaryIds[i])));
            }
            return out;
        }
    }

    /**
     * Parses a header from the object's first bytes ({@code bytes} holds at least the header).
     *
     * @throws CorruptLogException when the bytes are not an intact segment header of the chunks its key names
     */
    static Header parse(JobId job, String key, byte[] bytes, long objectSize, long expectedFirstSeq, long expectedRawStart) {
        int declared = declaredHeaderLength(bytes);
        if (declared < FIXED_BYTES + 4 || declared > bytes.length) {
            throw new CorruptLogException(job, "segment " + key + " (seq " + expectedFirstSeq + "): not a segment header");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, declared).order(ByteOrder.LITTLE_ENDIAN);
        int storedCrc = b.getInt(declared - 4);
        if (storedCrc != crc(bytes, 0, declared - 4)) {
            throw new CorruptLogException(job, "segment " + key + " (seq " + expectedFirstSeq + "): header CRC32C mismatch");
        }
        boolean v2 = bytes[7] == '2';
        b.position(12);
        int count = b.getInt();
        long firstSeq = b.getLong();
        long rawStart = b.getLong();
        LogTotals after = new LogTotals(b.getLong(), b.getLong(), b.getInt(), b.getLong());
        if (v2) {
            long newlines = b.getLong();
            if (newlines < 0) {
                throw new CorruptLogException(job, "segment " + key + " (seq " + expectedFirstSeq + "): newline count "
                        + newlines);
            }
            after = new LogTotals(after.chunks(), after.rawBytes(), after.crc32c(), after.lastTimestampMillis(), newlines);
        }
        if (count < 0 || declared != headerLength(count, v2) || firstSeq != expectedFirstSeq || rawStart != expectedRawStart
                || after.chunks() != firstSeq + count) {
            throw new CorruptLogException(job, "segment " + key + " (seq " + expectedFirstSeq + "): header says "
                    + count + " chunks from seq " + firstSeq + " at raw offset " + rawStart + ", totals " + after);
        }
        ChunkIndexEntry[] entries = new ChunkIndexEntry[count];
        ChunkEncoding[] encodings = new ChunkEncoding[count];
        int[] dicts = new int[count];
        long[] offsets = new long[count + 1];
        long[] newlinesAfter = v2 ? new long[count] : null;
        offsets[0] = declared;
        long raw = rawStart;
        for (int i = 0; i < count; i++) {
            int length = b.getInt();
            int stream = b.get() & 0xFF;
            int encoding = b.get() & 0xFF;
            long ts = b.getLong();
            int crc = b.getInt();
            dicts[i] = b.getInt();
            long stored = Integer.toUnsignedLong(b.getInt());
            if (v2) {
                newlinesAfter[i] = b.getLong();
            }
            try {
                entries[i] = new ChunkIndexEntry(firstSeq + i, raw, length, LogStream.fromCode(stream), ts, crc);
                encodings[i] = ChunkEncoding.fromCode(encoding);
            } catch (IllegalArgumentException e) {
                throw new CorruptLogException(job, "segment " + key + ": seq " + (firstSeq + i) + ": " + e.getMessage());
            }
            raw += length;
            offsets[i + 1] = offsets[i] + stored;
        }
        if (raw != after.rawBytes() || offsets[count] != objectSize) {
            throw new CorruptLogException(job, "segment " + key + " (seq " + firstSeq + "): chunks end at raw offset " + raw
                    + " and object byte " + offsets[count] + "; header totals say " + after.rawBytes() + ", object is "
                    + objectSize + " bytes");
        }
        return new Header(firstSeq, rawStart, after, entries, encodings, dicts, offsets, newlinesAfter);
    }
}
