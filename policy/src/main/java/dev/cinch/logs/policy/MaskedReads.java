package dev.cinch.logs.policy;

import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.InvalidRangeException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreIOException;
import dev.cinch.logs.archive.ArchiveOptions;
import dev.cinch.logs.archive.SeekableArchiveWriter;
import dev.cinch.logs.storage.LogTotals;
import dev.cinch.logs.text.TailLines;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Masking on the way out: the store's bytes as served, with every occurrence of a secret the job has now masked, also
 * in what was stored before the secret was registered (output stored before {@code secret add}, an earlier run). A
 * served piece is masked with the bytes around it as the store holds them, read in the same call where it can, so an
 * occurrence that crosses the piece's edge is masked in the piece too, and pieces read one after another fit together:
 * their concatenation is the whole log masked at once. Masks keep {@code \n} bytes, so lines and line numbers are those
 * of the store (a secret holding a line break is masked line by line).
 *
 * <p>Stateless: each call gets the job's current scanner; the store below is read through its own API only.
 */
final class MaskedReads {
    /** Chunks read per page when gathering the bytes after a piece. */
    private static final int LOOKAHEAD_PAGE = 16;

    private final LogStore store;
    private final byte mask;

    MaskedReads(LogStore store, byte mask) {
        this.store = store;
        this.mask = mask;
    }

    /** {@link LogStore#readRange}, masked; the store's own errors for bad arguments. */
    byte[] readRange(JobId job, SecretScanner s, long offset, int length) {
        if (offset < 0 || length < 0 || length > LogStore.MAX_READ_BYTES) {
            return store.readRange(job, offset, length);
        }
        int reach = s.maxLength() - 1;
        int before = (int) Math.min(offset, reach);
        long wide = (long) before + length + reach;
        if (wide <= LogStore.MAX_READ_BYTES) {
            try {
                byte[] around = store.readRange(job, offset - before, (int) wide);
                if (around.length < before) {
                    return store.readRange(job, offset, length); // beyond the log's end: the store names the offset
                }
                return region(s, around, before, Math.min(length, around.length - before));
            } catch (CorruptLogException damagedAround) {
                // read the range alone: it fails if the damage is in it, else its neighbours are read as far as they can be
            }
        }
        byte[] main = store.readRange(job, offset, length);
        byte[] carry = readable(() -> store.readRange(job, offset - before, before));
        byte[] after = main.length < length ? new byte[0] : readable(() -> store.readRange(job, offset + main.length, reach));
        return region(s, concat(List.of(carry, main, after)), carry.length, main.length);
    }

    /**
     * Bytes around a piece, or none where the store reports them damaged: they are never served, so only an
     * occurrence crossing from the piece into damage can keep its bytes in the piece.
     */
    private static byte[] readable(java.util.function.Supplier<byte[]> read) {
        try {
            return read.get();
        } catch (CorruptLogException damaged) {
            return new byte[0];
        }
    }

    /** {@link LogStore#readChunks}, masked: the page with the bytes stored before and after it. */
    List<LogChunk> readChunks(JobId job, SecretScanner s, long fromSeq, int maxChunks) {
        List<LogChunk> chunks = store.readChunks(job, fromSeq, maxChunks);
        if (chunks.isEmpty()) {
            return chunks;
        }
        int reach = s.maxLength() - 1;
        byte[] carry = bytesBefore(store, job, fromSeq, reach);
        byte[] after = bytesFrom(job, chunks.get(chunks.size() - 1).seq() + 1, reach);
        return maskChunks(s, carry, chunks, after);
    }

    private List<LogChunk> maskChunks(SecretScanner s, byte[] carry, List<LogChunk> chunks, byte[] after) {
        List<byte[]> parts = new ArrayList<>(chunks.size() + 2);
        parts.add(carry);
        long bytes = 0;
        for (LogChunk c : chunks) {
            parts.add(c.data());
            bytes += c.length();
        }
        parts.add(after);
        byte[] all = concat(parts);
        byte[] masked = s.maskRegionKeepingNewlines(all, carry.length, carry.length + (int) bytes, mask);
        if (masked == null) {
            return chunks;
        }
        List<LogChunk> out = new ArrayList<>(chunks.size());
        int at = 0;
        for (LogChunk c : chunks) {
            out.add(new LogChunk(c.seq(), c.stream(), c.timestampMillis(), Arrays.copyOfRange(masked, at, at + c.length())));
            at += c.length();
        }
        return out;
    }

    /**
     * {@link LogStore#readTailLines}, masked. An occurrence can start before the tail only by crossing the line end
     * before it, so the tail is read with as many more lines as a secret holds line breaks.
     */
    byte[] readTailLines(JobId job, SecretScanner s, int lines) {
        int more = s.maxNewlines();
        if (lines <= 0 || more == 0) {
            byte[] tail = store.readTailLines(job, lines);
            return orSelf(s.maskRegionKeepingNewlines(tail, 0, tail.length, mask), tail);
        }
        byte[] wide;
        try {
            wide = store.readTailLines(job, (int) Math.min(Integer.MAX_VALUE, (long) lines + more));
        } catch (InvalidRangeException | CorruptLogException tooLongOrDamaged) {
            return tailWithBytesBefore(job, s, lines);
        }
        // The last lines as every store answers them, cut from the wider answer: they are its end.
        int start = wide.length - TailLines.read(job, wide.length, lines, end -> new TailLines.Block(0, wide)).length;
        return region(s, wide, start, wide.length - start);
    }

    /**
     * The tail masked with the bytes before it (the lines before pass the read limit or are damaged; their last bytes
     * are all an occurrence can start in), found from the log's length: exact for a sealed log and for an open one that
     * did not grow meanwhile (checked before and after); if it kept growing, the tail is masked alone.
     */
    private byte[] tailWithBytesBefore(JobId job, SecretScanner s, int lines) {
        for (int attempt = 0; attempt < 3; attempt++) {
            long end = store.stat(job).rawBytes();
            byte[] tail = store.readTailLines(job, lines);
            if (store.stat(job).rawBytes() == end) {
                long from = end - tail.length;
                int n = (int) Math.min(from, s.maxLength() - 1);
                byte[] carry = readable(() -> store.readRange(job, from - n, n));
                return region(s, concat(List.of(carry, tail)), carry.length, tail.length);
            }
        }
        byte[] tail = store.readTailLines(job, lines);
        return orSelf(s.maskRegionKeepingNewlines(tail, 0, tail.length, mask), tail);
    }

    /**
     * {@link LogStore#readLines}, masked: the answer, with the lines around it that an occurrence crossing its edges can
     * reach (none when no secret holds a line break: an occurrence then stays inside its line).
     */
    byte[] readLines(JobId job, SecretScanner s, long fromLine, int count) {
        byte[] answer = store.readLines(job, fromLine, count);
        int more = s.maxNewlines();
        if (more == 0 || answer.length == 0) {
            return orSelf(s.maskRegionKeepingNewlines(answer, 0, answer.length, mask), answer);
        }
        int reach = s.maxLength() - 1;
        long linesBefore = Math.min(more, fromLine - 1);
        byte[] carry = lastBytes(linesAround(job, fromLine - linesBefore, (int) linesBefore, true), reach);
        long held = LogTotals.countNewlines(answer) + (answer[answer.length - 1] == '\n' ? 0 : 1);
        byte[] after = answer[answer.length - 1] == '\n'
                ? firstBytes(linesAround(job, fromLine + held, more, false), reach)
                : new byte[0];
        return region(s, concat(List.of(carry, answer, after)), carry.length, answer.length);
    }

    /**
     * Up to {@code count} lines from {@code fromLine}, fewer when they pass the read limit: as many as fit, nearest
     * the answer first ({@code endAtAnswer}: the last of them; else the first). A single line over the limit gives
     * nothing: an occurrence that needs its bytes is masked only from the answer's edge.
     */
    private byte[] linesAround(JobId job, long fromLine, int count, boolean endAtAnswer) {
        for (int n = count; n > 0; n--) {
            long first = endAtAnswer ? fromLine + (count - n) : fromLine;
            try {
                return store.readLines(job, first, n);
            } catch (InvalidRangeException tooLong) {
                // fewer lines
            } catch (CorruptLogException damaged) {
                return new byte[0];
            }
        }
        return new byte[0];
    }

    /**
     * Follows the log, each delivered batch masked with the bytes delivered before it and those stored after it, so a
     * follower replaying a stored log is served what a range read serves. At the live edge nothing follows yet: the
     * first bytes of an occurrence that the edge cut stay, as on the write path, and the rest is masked when it
     * arrives.
     */
    LogFollower follow(JobId job, long fromSeq, Function<JobId, SecretScanner> scanners) {
        LogFollower follower = store.follow(job, fromSeq);
        return new dev.cinch.logs.ForwardingLogStore.ForwardingLogFollower(follower) {
            private byte[] carry;

            @Override
            public List<LogChunk> poll(Duration timeout) throws InterruptedException {
                long next = follower.nextSeq();
                List<LogChunk> got = follower.poll(timeout);
                SecretScanner s = got.isEmpty() ? null : scanners.apply(job);
                if (s == null) {
                    carry = null;
                    return got;
                }
                int reach = s.maxLength() - 1;
                if (carry == null || carry.length < reach && next > 0) {
                    carry = bytesBefore(store, job, next, reach);
                }
                byte[] after = bytesFrom(job, got.get(got.size() - 1).seq() + 1, reach);
                List<LogChunk> out = maskChunks(s, carry, got, after);
                carry = carryAfter(carry, got, reach);
                return out;
            }
        };
    }

    /**
     * {@link LogStore#exportArchive}, masked: the stored archive as it is when nothing in the log is masked now (one
     * pass to find out), else an archive of the masked chunks written with the store's archive options.
     */
    void exportArchive(JobId job, SecretScanner s, OutputStream out) {
        LogStat stat = store.stat(job);
        if (!stat.sealed() || !anythingMasked(job, s, stat.chunks())) {
            store.exportArchive(job, out); // an open log: the store refuses it
            return;
        }
        ArchiveOptions options = store.archiveOptions().orElse(ArchiveOptions.defaults());
        try {
            SeekableArchiveWriter writer = new SeekableArchiveWriter(out, options);
            forEachPage(job, s, stat.chunks(), (stored, served) -> {
                for (LogChunk c : served) {
                    writer.addChunk(c.stream(), c.timestampMillis(), c.data());
                }
                return true;
            });
            writer.finish();
        } catch (IOException e) {
            throw new LogStoreIOException(job, "export the masked archive", e);
        }
    }

    private boolean anythingMasked(JobId job, SecretScanner s, long chunks) {
        boolean[] masked = {false};
        try {
            forEachPage(job, s, chunks, (stored, served) -> {
                masked[0] = stored != served;
                return !masked[0];
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e); // nothing is written while looking
        }
        return masked[0];
    }

    @FunctionalInterface
    private interface PageAction {
        /** Takes a page as stored and as served (the same list when nothing in it is masked); false stops. */
        boolean accept(List<LogChunk> stored, List<LogChunk> served) throws IOException;
    }

    /** Pages through the first {@code chunks} chunks of a sealed log, each masked with the bytes around it. */
    private void forEachPage(JobId job, SecretScanner s, long chunks, PageAction action) throws IOException {
        int reach = s.maxLength() - 1;
        byte[] carry = new byte[0];
        long seq = 0;
        while (seq < chunks) {
            List<LogChunk> page = store.readChunks(job, seq, LogStore.MAX_PAGE_CHUNKS);
            if (page.isEmpty()) {
                throw new CorruptLogException(job, "seq " + seq + " of the sealed log's " + chunks + " chunks");
            }
            long next = page.get(page.size() - 1).seq() + 1;
            byte[] after = next < chunks ? bytesFrom(job, next, reach) : new byte[0];
            if (!action.accept(page, maskChunks(s, carry, page, after))) {
                return;
            }
            carry = carryAfter(carry, page, reach);
            seq = next;
        }
    }

    // ----------------------------------------------------------------------------------------------- bytes around

    /**
     * The last {@code need} stored bytes before chunk {@code seq}, read back page by page. When nothing is stored
     * there (an unknown job, a gap) it is empty, and the store below refuses what comes next as it would anyway.
     */
    static byte[] bytesBefore(LogStore store, JobId job, long seq, int need) {
        ArrayDeque<byte[]> pieces = new ArrayDeque<>();
        long have = 0;
        long from = seq;
        int page = 16;
        try {
            while (from > 0 && have < need) {
                int count = (int) Math.min(from, page);
                List<LogChunk> got = store.readChunks(job, from - count, count);
                if (got.isEmpty() || got.get(got.size() - 1).seq() != from - 1) {
                    got = store.readChunks(job, from - 1, 1); // a page cut short by its byte limit: big chunks
                    if (got.isEmpty() || got.get(0).seq() != from - 1) {
                        return new byte[0];
                    }
                }
                for (int i = got.size() - 1; i >= 0 && have < need; i--) {
                    byte[] d = got.get(i).data();
                    pieces.addFirst(d);
                    have += d.length;
                    from = got.get(i).seq();
                }
                page = Math.min(page * 4, LogStore.MAX_PAGE_CHUNKS);
            }
        } catch (LogNotFoundException | InvalidRangeException | CorruptLogException e) {
            return new byte[0];
        }
        return lastBytes(concat(new ArrayList<>(pieces)), need);
    }

    /** The first {@code need} bytes stored from chunk {@code seq} on (fewer at the log's end). */
    private byte[] bytesFrom(JobId job, long seq, int need) {
        List<byte[]> pieces = new ArrayList<>();
        long have = 0;
        long next = seq;
        try {
            while (have < need) {
                List<LogChunk> got = store.readChunks(job, next, LOOKAHEAD_PAGE);
                if (got.isEmpty()) {
                    break;
                }
                for (LogChunk c : got) {
                    pieces.add(c.data());
                    have += c.length();
                }
                next = got.get(got.size() - 1).seq() + 1;
            }
        } catch (InvalidRangeException | CorruptLogException e) {
            // replaced meanwhile, or damaged there: what was read is all there is
        }
        return firstBytes(concat(pieces), need);
    }

    /** The last {@code need} bytes of {@code carry} followed by the chunks. */
    private static byte[] carryAfter(byte[] carry, List<LogChunk> chunks, int need) {
        ArrayDeque<byte[]> parts = new ArrayDeque<>();
        long have = 0;
        for (int i = chunks.size() - 1; i >= 0 && have < need; i--) {
            parts.addFirst(chunks.get(i).data());
            have += chunks.get(i).length();
        }
        if (have < need) {
            parts.addFirst(carry);
        }
        return lastBytes(concat(new ArrayList<>(parts)), need);
    }

    private byte[] region(SecretScanner s, byte[] around, int from, int length) {
        byte[] masked = s.maskRegionKeepingNewlines(around, from, from + length, mask);
        return masked != null ? masked : Arrays.copyOfRange(around, from, from + length);
    }

    private static byte[] orSelf(byte[] masked, byte[] original) {
        return masked != null ? masked : original;
    }

    static byte[] lastBytes(byte[] b, int n) {
        return b.length <= n ? b : Arrays.copyOfRange(b, b.length - n, b.length);
    }

    private static byte[] firstBytes(byte[] b, int n) {
        return b.length <= n ? b : Arrays.copyOf(b, n);
    }

    static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
