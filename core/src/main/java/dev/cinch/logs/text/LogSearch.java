package dev.cinch.logs.text;

import dev.cinch.logs.InvalidRangeException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogRange;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreException;
import dev.cinch.logs.SearchBudgetExceededException;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * {@code grep -n} over a stored log, for every store: it reads through {@link LogStore#readRange} only, one piece
 * at a time, so no backend has code of its own for it and the whole log is never held in memory.
 *
 * <p><b>Lines.</b> As {@link TailLines} and grep: a line ends at {@code \n}; a final line without {@code \n} is a
 * line; {@code \r}, NUL and invalid UTF-8 are ordinary bytes.
 *
 * <p><b>Patterns see bytes.</b> A line is matched as its bytes, each byte one ISO-8859-1 character
 * ({@code char == byte & 0xFF}), so a log in any encoding, or in none, is searched exactly, as
 * {@code LC_ALL=C grep -a} searches it. A regular expression is a {@link java.util.regex.Pattern} compiled with
 * {@link java.util.regex.Pattern#UNIX_LINES}: {@code .} matches every byte ({@code \r} and {@code 0x85} too) and
 * {@code $} matches only at the line's end. {@code \xhh} is the byte {@code hh}. The pattern itself is text: a
 * non-ASCII character in it (literal or regular expression) stands for its UTF-8 bytes, so {@code ü} finds
 * {@code C3 BC}, and in a regular expression a quantifier after it repeats the whole character; inside a character
 * class one is refused ({@link dev.cinch.logs.InvalidPatternException}), as it would stand for one of its bytes.
 * {@link SearchOptions#ignoreCase()} folds ASCII letters only ({@code CASE_INSENSITIVE} without
 * {@code UNICODE_CASE}): folding Latin-1 letters would fold UTF-8 continuation bytes. Inside brackets, POSIX classes
 * such as {@code [:digit:]} mean what they mean to grep ({@code \p{Digit}}). A leading {@code .*} is dropped: it
 * cannot change which lines match, and Java's engine pays the square of the line's length for it.
 *
 * <p><b>What is searched.</b> The bytes the log holds when the search starts (its length is taken from
 * {@link LogStore#stat}): chunks an open log receives while the search runs are not searched. A log sealed meanwhile
 * is read from its archive, with the same bytes.
 *
 * <p><b>Cost.</b> One pass, {@link #PIECE_BYTES} per read (an archive frame at the default archive options). Memory
 * is one piece plus the longest line, plus {@code context} lines held back as context before the next match. A line
 * longer than {@link LogStore#MAX_READ_BYTES} is refused with {@link InvalidRangeException} naming its offset, as
 * any read of that size is. A regular expression's work on one line is bounded by {@link SearchOptions#stepBudget()}
 * ({@link SearchBudgetExceededException}).
 */
public final class LogSearch {
    /** Bytes per read: the default archive frame, so a sealed log's read decompresses one frame. */
    static final int PIECE_BYTES = 256 << 10;

    private LogSearch() {
    }

    /**
     * The lines of the job's log that match {@code pattern}, with context lines as {@code options} ask, in log order.
     * The stream is lazy: it reads the log as it is consumed, and stops reading when it is no longer consumed (it
     * holds nothing open between reads; closing it is allowed and releases nothing). Errors while reading are thrown
     * from the stream's terminal operation, as {@link LogStoreException} subtypes.
     *
     * @throws dev.cinch.logs.LogNotFoundException if no log is stored for the job
     * @throws dev.cinch.logs.InvalidPatternException if {@code pattern} is not a valid regular expression; checked
     *     before any byte of the log is read
     */
    public static Stream<SearchMatch> search(LogStore store, JobId job, String pattern, SearchOptions options) {
        return search(store, job, pattern, options, PIECE_BYTES);
    }

    /** With a piece size of its own, so tests can put lines across piece boundaries. */
    static Stream<SearchMatch> search(LogStore store, JobId job, String pattern, SearchOptions options, int pieceBytes) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(options, "options");
        if (pieceBytes < 1 || pieceBytes > LogStore.MAX_READ_BYTES) {
            throw new IllegalArgumentException("piece size must be in 1.." + LogStore.MAX_READ_BYTES + ", got " + pieceBytes);
        }
        // stat first: a closed store or a missing log is reported as for any other read
        long size = store.stat(job).rawBytes();
        Pattern compiled = BytePattern.compile(job, pattern, options);
        Iterator<Window> windows = List.of(new Window(0, size, 1)).iterator();
        byte[] literal = literalOf(pattern, options);
        if (literal != null) {
            List<LogRange> ranges = store.rangesThatMayContain(job, literal);
            boolean wholeLog = ranges.size() == 1 && ranges.get(0).offset() == 0 && ranges.get(0).end() >= size;
            if (!wholeLog) {
                windows = new CandidateWindows(store, job, size, ranges, literal, options, pieceBytes);
            }
        }
        Scan scan = new Scan(store, job, size, windows, compiled, options, pieceBytes);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(scan, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /**
     * The bytes a pattern matches when it is a plain string: {@code -F}, or a regular expression without a special
     * character; null when the filters cannot help (an ANSI-aware search may match across escape sequences the stored
     * bytes hold; a string with {@code \n} matches no line).
     */
    static byte[] literalOf(String pattern, SearchOptions options) {
        if (options.ansiAware()) {
            return null;
        }
        if (!options.fixedStrings()) {
            for (int i = 0; i < pattern.length(); i++) {
                if ("\\^$.|?*+()[]{}".indexOf(pattern.charAt(i)) >= 0) {
                    return null;
                }
            }
        }
        byte[] bytes = pattern.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte b : bytes) {
            if (b == '\n') {
                return null;
            }
        }
        return bytes;
    }

    /** A stretch of whole lines to search: from a line's start to just after a line's end (or the log's end). */
    record Window(long start, long end, long firstLine) {
    }

    /**
     * The windows a filtered search reads, made lazily and in order: each candidate range is scanned for the literal
     * (a byte comparison, ASCII letters folded when the search ignores case), and each occurrence becomes the window
     * of its line and its context lines, merged with the window before when they touch. Only candidate ranges, the
     * lines around occurrences and, when a range begins with the literal's end, the two bytes before it are read.
     */
    private static final class CandidateWindows implements Iterator<Window> {
        private static final int LOOK_BYTES = 8 << 10;

        private final LogStore store;
        private final JobId job;
        private final long size;
        private final Iterator<LogRange> ranges;
        private final byte[] literal;
        private final boolean ignoreCase;
        private final int context;
        private final int pieceBytes;
        private final ArrayDeque<Window> found = new ArrayDeque<>();
        private Window pending;
        private boolean rangesDone;
        /** Where the line of the last occurrence found ends: occurrences before it are on a line already found. */
        private long matchedLineEnd;

        CandidateWindows(LogStore store, JobId job, long size, List<LogRange> ranges, byte[] literal,
                SearchOptions options, int pieceBytes) {
            this.store = store;
            this.job = job;
            this.size = size;
            this.ranges = ranges.iterator();
            this.literal = literal;
            this.ignoreCase = options.ignoreCase();
            this.context = options.context();
            this.pieceBytes = Math.max(pieceBytes, literal.length);
        }

        @Override
        public boolean hasNext() {
            fill();
            return pending != null;
        }

        @Override
        public Window next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Window w = pending;
            pending = null;
            return w;
        }

        /** Makes {@link #pending} the next merged window, if any: merges found windows until one does not touch. */
        private void fill() {
            while (true) {
                while (found.isEmpty() && !rangesDone) {
                    if (ranges.hasNext()) {
                        scan(ranges.next());
                    } else {
                        rangesDone = true;
                    }
                }
                if (found.isEmpty()) {
                    return; // pending, if any, is final
                }
                Window w = found.peekFirst();
                if (pending == null) {
                    pending = found.removeFirst();
                } else if (w.start() <= pending.end()) {
                    found.removeFirst();
                    pending = new Window(pending.start(), Math.max(pending.end(), w.end()), pending.firstLine());
                } else {
                    return; // pending is complete: the next window starts after it
                }
            }
        }

        private boolean equalsAt(byte[] b, int at, int literalFrom) {
            for (int i = literalFrom; i < literal.length; i++) {
                byte x = b[at + i - literalFrom];
                byte y = literal[i];
                if (x != y && !(ignoreCase && fold(x) == fold(y))) {
                    return false;
                }
            }
            return true;
        }

        private static byte fold(byte b) {
            return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
        }

        /** Finds the literal's occurrences in one candidate range and queues their windows. */
        private void scan(LogRange range) {
            long start = range.offset();
            long end = Math.min(range.end(), size);
            if (start >= end) {
                return;
            }
            // An occurrence may start one or two bytes before the range (its trigrams all end inside it): look there
            // only when the range begins with the literal's end, seen in the range's first piece (read once: a store
            // without a frame cache would fetch its frame again for a separate look).
            byte[] piece = store.readRange(job, start, (int) Math.min(pieceBytes, end - start));
            byte[] carry = new byte[0];
            for (int back = Math.min(2, literal.length - 1); back >= 1; back--) {
                if (start - back >= 0 && piece.length >= literal.length - back && equalsAt(piece, 0, back)) {
                    // those bytes equal the literal's start, which holds no \n: the line count stays
                    carry = store.readRange(job, start - back, back);
                    break;
                }
            }
            long linesBefore = range.linesBefore();
            long pos = start;
            while (pos < end) {
                if (piece == null) {
                    piece = store.readRange(job, pos, (int) Math.min(pieceBytes, end - pos));
                }
                if (piece.length == 0) {
                    throw new LogStoreException(job, "the log ended at offset " + pos + ", before the " + size
                            + " bytes it held when the search started");
                }
                byte[] buffer = new byte[carry.length + piece.length];
                System.arraycopy(carry, 0, buffer, 0, carry.length);
                System.arraycopy(piece, 0, buffer, carry.length, piece.length);
                long bufferStart = pos - carry.length;
                int counted = carry.length; // newlines of the piece counted up to here
                long lines = linesBefore;
                for (int i = 0; i + literal.length <= buffer.length; i++) {
                    // A line already has its window: more occurrences on it would only find the same one again
                    // (each by walking the line), which on a long line full of them would cost its square.
                    if (bufferStart + i < matchedLineEnd) {
                        continue;
                    }
                    if (equalsAt(buffer, i, 0)) {
                        if (i > counted) {
                            lines += newlines(buffer, counted, i);
                            counted = i;
                        }
                        // An occurrence starting in the carry has no \n between it and the piece: same line.
                        found.addLast(window(bufferStart + i, lines + 1, buffer, bufferStart));
                    }
                }
                linesBefore = lines + newlines(buffer, counted, buffer.length);
                pos += piece.length;
                piece = null;
                int keep = Math.min(literal.length - 1, buffer.length);
                carry = Arrays.copyOfRange(buffer, buffer.length - keep, buffer.length);
            }
        }

        private static int newlines(byte[] b, int from, int to) {
            int n = 0;
            for (int i = from; i < to; i++) {
                if (b[i] == '\n') {
                    n++;
                }
            }
            return n;
        }

        /** The window of the line holding {@code at} (number {@code line}) and {@code context} lines on each side. */
        private Window window(long at, long line, byte[] buffer, long bufferStart) {
            long start = at;
            long number = line;
            // Back to the start of the line, then over `context` more lines.
            for (int back = 0; back <= context && start > 0; back++) {
                long nl = lastNewlineBefore(back == 0 ? start : start - 1, buffer, bufferStart);
                if (back > 0 && nl < 0 && start - 1 >= 0) {
                    start = 0; // the previous line is the log's first
                    number--;
                    break;
                }
                if (back > 0) {
                    number--;
                }
                start = nl + 1;
                if (nl < 0) {
                    break;
                }
            }
            long end = at + literal.length;
            for (int ahead = 0; ahead <= context && end < size; ahead++) {
                long nl = firstNewlineFrom(ahead == 0 ? end - 1 : end, buffer, bufferStart);
                end = nl < 0 ? size : nl + 1;
                if (ahead == 0) {
                    matchedLineEnd = end;
                }
            }
            if (end >= size && matchedLineEnd < end) {
                matchedLineEnd = end; // the loop stopped at the log's end before looking for the line's end
            }
            return new Window(start, Math.min(end, size), number);
        }

        /** Offset of the last \n before {@code at} (exclusive), or -1. */
        private long lastNewlineBefore(long at, byte[] buffer, long bufferStart) {
            long to = at;
            while (to > 0) {
                if (to - bufferStart > 0 && to <= bufferStart + buffer.length) {
                    for (long i = to - 1; i >= bufferStart; i--) {
                        if (buffer[(int) (i - bufferStart)] == '\n') {
                            return i;
                        }
                    }
                    to = bufferStart;
                    continue;
                }
                long from = Math.max(0, to - LOOK_BYTES);
                checkLineLength(at, to - from + (at - to));
                byte[] b = store.readRange(job, from, (int) (to - from));
                for (int i = b.length - 1; i >= 0; i--) {
                    if (b[i] == '\n') {
                        return from + i;
                    }
                }
                to = from;
            }
            return -1;
        }

        /** Offset of the first \n at or after {@code at}, or -1. */
        private long firstNewlineFrom(long at, byte[] buffer, long bufferStart) {
            long from = at;
            while (from < size) {
                if (from >= bufferStart && from < bufferStart + buffer.length) {
                    for (long i = from; i < bufferStart + buffer.length; i++) {
                        if (buffer[(int) (i - bufferStart)] == '\n') {
                            return i;
                        }
                    }
                    from = bufferStart + buffer.length;
                    continue;
                }
                checkLineLength(at, from - at);
                byte[] b = store.readRange(job, from, (int) Math.min(LOOK_BYTES, size - from));
                for (int i = 0; i < b.length; i++) {
                    if (b[i] == '\n') {
                        return from + i;
                    }
                }
                if (b.length == 0) {
                    return -1;
                }
                from += b.length;
            }
            return -1;
        }

        private void checkLineLength(long at, long scanned) {
            if (scanned > LogStore.MAX_READ_BYTES) {
                throw new InvalidRangeException(job, "the line holding offset " + at + " is longer than one read may "
                        + "return (" + LogStore.MAX_READ_BYTES + " bytes); it cannot be searched");
            }
        }
    }

    /** The search's state: lines are cut from pieces, matched, and queued with their context as they become known. */
    private static final class Scan implements Iterator<SearchMatch> {
        private final LogStore store;
        private final JobId job;
        private final long size;
        private final Iterator<Window> windows;
        private final SearchOptions options;
        private final int pieceBytes;
        private final Matcher matcher;
        /** Where the window being read ends; the next window starts elsewhere with a line number of its own. */
        private long windowEnd = -1;

        private byte[] piece = new byte[0];
        private int index;
        private long readTo;
        /** A line that started in an earlier piece and is not finished yet. */
        private byte[] partial = new byte[0];
        private int partialLength;
        private long lineStart;
        private long lineNumber = 1;

        private final ArrayDeque<SearchMatch> ready = new ArrayDeque<>();
        /** Lines after the last delivered one, kept as possible context before the next match. */
        private final ArrayDeque<Held> before = new ArrayDeque<>();
        private int afterLeft;
        private long lastDelivered;
        private boolean finished;

        Scan(LogStore store, JobId job, long size, Iterator<Window> windows, Pattern pattern, SearchOptions options,
                int pieceBytes) {
            this.store = store;
            this.job = job;
            this.size = size;
            this.windows = windows;
            this.options = options;
            this.pieceBytes = pieceBytes;
            this.matcher = pattern.matcher("");
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && !finished) {
                finished = !nextLine();
            }
            return !ready.isEmpty();
        }

        @Override
        public SearchMatch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.removeFirst();
        }

        /** Cuts, matches and queues the next line; false at the end of the log. */
        private boolean nextLine() {
            while (true) {
                if (index < piece.length) {
                    int nl = indexOfNewline(piece, index);
                    if (nl >= 0) {
                        if (partialLength > 0) {
                            keep(piece, index, nl);
                            line(partial, 0, partialLength);
                            partialLength = 0;
                        } else {
                            line(piece, index, nl);
                        }
                        index = nl + 1;
                        lineStart = readTo - piece.length + index;
                        return true;
                    }
                    keep(piece, index, piece.length);
                    index = piece.length;
                }
                if (readTo >= windowEnd) {
                    if (partialLength > 0) {
                        line(partial, 0, partialLength); // the last line, without \n
                        partialLength = 0;
                        return true;
                    }
                    if (!windows.hasNext()) {
                        return false;
                    }
                    Window w = windows.next();
                    // Lines held back as context belong to the window before; this one holds its own context.
                    before.clear();
                    afterLeft = 0;
                    readTo = w.start();
                    windowEnd = w.end();
                    lineStart = w.start();
                    lineNumber = w.firstLine();
                    piece = new byte[0];
                    index = 0;
                    continue;
                }
                piece = store.readRange(job, readTo, (int) Math.min(pieceBytes, windowEnd - readTo));
                if (piece.length == 0) {
                    throw new LogStoreException(job, "the log ended at offset " + readTo + ", before the " + size
                            + " bytes it held when the search started");
                }
                index = 0;
                readTo += piece.length;
            }
        }

        private static int indexOfNewline(byte[] b, int from) {
            for (int i = from; i < b.length; i++) {
                if (b[i] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        /** Adds {@code b[from, to)} to the unfinished line, refusing a line longer than one read may return. */
        private void keep(byte[] b, int from, int to) {
            int add = to - from;
            if ((long) partialLength + add > LogStore.MAX_READ_BYTES) {
                throw new InvalidRangeException(job, "line " + lineNumber + " starting at offset " + lineStart
                        + " is longer than one read may return (" + LogStore.MAX_READ_BYTES + " bytes); it cannot be searched");
            }
            if (partialLength + add > partial.length) {
                int capacity = (int) Math.min(LogStore.MAX_READ_BYTES, Math.max(2L * partial.length, partialLength + add));
                partial = Arrays.copyOf(partial, capacity);
            }
            System.arraycopy(b, from, partial, partialLength, add);
            partialLength += add;
        }

        /** Matches the line {@code b[from, to)} (number {@link #lineNumber}, at {@link #lineStart}) and queues what it yields. */
        private void line(byte[] b, int from, int to) {
            long number = lineNumber++;
            long offset = lineStart;
            int context = options.context();
            if (matches(b, from, to, number, offset)) {
                while (!before.isEmpty()) {
                    deliver(before.removeFirst());
                }
                deliver(new Held(number, offset, Arrays.copyOfRange(b, from, to), true));
                afterLeft = context;
            } else if (afterLeft > 0) {
                afterLeft--;
                deliver(new Held(number, offset, Arrays.copyOfRange(b, from, to), false));
            } else if (context > 0) {
                before.addLast(new Held(number, offset, Arrays.copyOfRange(b, from, to), false));
                if (before.size() > context) {
                    before.removeFirst();
                }
            }
        }

        private void deliver(Held line) {
            boolean gap = lastDelivered > 0 && line.number() != lastDelivered + 1;
            ready.addLast(new SearchMatch(line.number(), line.offset(), line.bytes(), line.match(), gap));
            lastDelivered = line.number();
        }

        /** A line cut from the log, before it is known whether a gap precedes it. */
        private record Held(long number, long offset, byte[] bytes, boolean match) {
        }

        private boolean matches(byte[] b, int from, int to, long number, long offset) {
            byte[] text = b;
            int start = from;
            int length = to - from;
            if (options.ansiAware() && AnsiEscapes.mayHoldEscapes(b, from, to)) {
                text = AnsiEscapes.strip(b, from, to);
                start = 0;
                length = text.length;
            }
            long budget = options.budgetFor(length);
            try {
                return matcher.reset(new BudgetedChars(text, start, length, budget)).find();
            } catch (BudgetedChars.Exhausted e) {
                throw new SearchBudgetExceededException(job, number, offset, "the pattern took more than " + budget
                        + " steps on this line of " + length + " bytes; simplify it (nested quantifiers such as (a+)+ "
                        + "backtrack exponentially) or raise the step budget");
            } catch (StackOverflowError e) {
                // java.util.regex recurses once per repetition of some groups, such as (a|b)*, so a long line can
                // overflow the stack; the thread is fine once the error has unwound the matcher's frames
                throw new SearchBudgetExceededException(job, number, offset, "the pattern recursed too deeply on this line of "
                        + length + " bytes; a repeated group such as (a|b)* recurses once per repetition, a class such as [ab]* does not");
            }
        }
    }
}
