package dev.cinch.logs;

import dev.cinch.logs.testkit.Corpus;
import dev.cinch.logs.testkit.ExternalTools;
import dev.cinch.logs.testkit.LogReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract every {@link LogStore} honours. Each backend's test extends this class and supplies
 * {@link #openStore()}; a backend may add cases but may not skip one. When a backend is found doing something
 * wrong, the case goes here so every backend is held to it.
 */
public abstract class AbstractLogStoreContractTest {
    private final List<LogStore> opened = new ArrayList<>();
    protected LogStore store;

    /**
     * Opens a store over this test's storage. Called again within a test, it must open the <em>same</em> storage
     * (a restart), so persistence can be checked.
     */
    protected abstract LogStore openStore();

    @BeforeEach
    void openTheStore() {
        store = reopen();
    }

    @AfterEach
    void closeStores() {
        for (LogStore s : opened) {
            s.close();
        }
        opened.clear();
    }

    /** Opens another store instance over the same storage; closed after the test. */
    protected final LogStore reopen() {
        LogStore s = openStore();
        opened.add(s);
        return s;
    }

    protected static JobId job(String id) {
        return JobId.of(id);
    }

    protected static LogChunk chunk(long seq, String text) {
        return new LogChunk(seq, LogStream.STDOUT, 1_000 + seq, text.getBytes(StandardCharsets.UTF_8));
    }

    protected static void appendAll(LogStore s, JobId job, List<LogChunk> chunks) {
        for (LogChunk c : chunks) {
            s.append(job, c);
        }
    }

    /** The whole byte view, read in pieces through readRange. */
    protected static byte[] readAll(LogStore s, JobId job) {
        long size = s.stat(job).rawBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long pos = 0;
        while (pos < size) {
            byte[] part = s.readRange(job, pos, 1 << 20);
            assertThat(part).as("readRange at %d of %d", pos, size).isNotEmpty();
            out.write(part, 0, part.length);
            pos += part.length;
        }
        return out.toByteArray();
    }

    protected static List<LogChunk> readAllChunks(LogStore s, JobId job) {
        List<LogChunk> all = new ArrayList<>();
        while (true) {
            List<LogChunk> page = s.readChunks(job, all.size(), 777);
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
        }
    }

    private static int crc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    // ---- seq protocol --------------------------------------------------------------------------------------

    @Test
    void appendsAreReadBackInOrder() {
        JobId j = job("basic");
        appendAll(store, j, List.of(chunk(0, "hello "), chunk(1, "world\n"), new LogChunk(2, LogStream.STDERR, 77, "oops\n".getBytes(StandardCharsets.UTF_8))));
        assertThat(readAll(store, j)).asString().isEqualTo("hello world\noops\n");
        List<LogChunk> chunks = store.readChunks(j, 0, 10);
        assertThat(chunks).containsExactly(chunk(0, "hello "), chunk(1, "world\n"), new LogChunk(2, LogStream.STDERR, 77, "oops\n".getBytes(StandardCharsets.UTF_8)));
        LogStat stat = store.stat(j);
        assertThat(stat.chunks()).isEqualTo(3);
        assertThat(stat.rawBytes()).isEqualTo(17);
        assertThat(stat.sealed()).isFalse();
        assertThat(stat.crc32c()).isEqualTo(crc("hello world\noops\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(stat.tier()).isEqualTo(store.name());
        assertThat(stat.lastTimestampMillis()).isEqualTo(77);
        assertThat(store.exists(j)).isTrue();
    }

    @Test
    void firstChunkMustBeSeqZero() {
        JobId j = job("starts-late");
        assertThatThrownBy(() -> store.append(j, chunk(1, "x")))
                .isInstanceOfSatisfying(SequenceGapException.class, e -> {
                    assertThat(e.expectedSeq()).isZero();
                    assertThat(e.actualSeq()).isEqualTo(1);
                })
                .hasMessageContaining("starts-late").hasMessageContaining("expected seq 0");
        assertThat(store.exists(j)).isFalse();
    }

    @Test
    void identicalRetryIsANoOp() {
        JobId j = job("retry");
        store.append(j, chunk(0, "a"));
        store.append(j, chunk(1, "b"));
        store.append(j, chunk(1, "b"));
        store.append(j, chunk(0, "a"));
        store.append(j, chunk(2, "c"));
        assertThat(readAll(store, j)).asString().isEqualTo("abc");
        assertThat(store.stat(j).chunks()).isEqualTo(3);
    }

    @Test
    void retryWithOtherBytesOrStreamIsAConflict() {
        JobId j = job("conflict");
        store.append(j, chunk(0, "a"));
        store.append(j, chunk(1, "b"));
        assertThatThrownBy(() -> store.append(j, chunk(1, "B")))
                .isInstanceOfSatisfying(ChunkConflictException.class, e -> assertThat(e.seq()).isEqualTo(1))
                .hasMessageContaining("conflict").hasMessageContaining("seq 1");
        assertThatThrownBy(() -> store.append(j, new LogChunk(0, LogStream.STDERR, 1_000, "a".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(ChunkConflictException.class).hasMessageContaining("seq 0");
        assertThat(readAll(store, j)).asString().isEqualTo("ab");
    }

    @Test
    void gapNamesTheExpectedSeq() {
        JobId j = job("gap");
        store.append(j, chunk(0, "a"));
        assertThatThrownBy(() -> store.append(j, chunk(5, "f")))
                .isInstanceOfSatisfying(SequenceGapException.class, e -> assertThat(e.expectedSeq()).isEqualTo(1))
                .hasMessageContaining("gap").hasMessageContaining("expected seq 1").hasMessageContaining("seq 5");
        store.append(j, chunk(1, "b"));
        assertThat(store.stat(j).chunks()).isEqualTo(2);
    }

    @Test
    void appendAfterSealFails() {
        JobId j = job("sealed");
        store.append(j, chunk(0, "a"));
        store.seal(j);
        assertThatThrownBy(() -> store.append(j, chunk(1, "b")))
                .isInstanceOfSatisfying(LogSealedException.class, e -> assertThat(e.seq()).isEqualTo(1))
                .hasMessageContaining("sealed").hasMessageContaining("seq 1");
        assertThatThrownBy(() -> store.append(j, chunk(0, "a"))).isInstanceOf(LogSealedException.class);
        assertThat(readAll(store, j)).asString().isEqualTo("a");
    }

    @Test
    void oversizedChunkAndNegativeTimestampAreRejected() {
        JobId j = job("too-big");
        assertThatThrownBy(() -> store.append(j, new LogChunk(0, LogStream.STDOUT, 1, new byte[LogStore.MAX_CHUNK_BYTES + 1])))
                .isInstanceOf(InvalidChunkException.class).hasMessageContaining("too-big").hasMessageContaining("seq 0");
        assertThatThrownBy(() -> store.append(j, new LogChunk(0, LogStream.STDOUT, -5, new byte[1])))
                .isInstanceOf(InvalidChunkException.class).hasMessageContaining("timestamp");
        assertThat(store.exists(j)).isFalse();
        store.append(j, new LogChunk(0, LogStream.STDOUT, 1, new byte[LogStore.MAX_CHUNK_BYTES]));
        assertThat(store.stat(j).rawBytes()).isEqualTo(LogStore.MAX_CHUNK_BYTES);
    }

    @Test
    void emptyChunksAreKept() {
        JobId j = job("empty-chunks");
        appendAll(store, j, List.of(chunk(0, ""), chunk(1, "x"), chunk(2, "")));
        assertThat(store.stat(j).chunks()).isEqualTo(3);
        assertThat(store.readChunks(j, 0, 10)).extracting(LogChunk::length).containsExactly(0, 1, 0);
        store.seal(j);
        assertThat(store.readChunks(j, 0, 10)).extracting(LogChunk::length).containsExactly(0, 1, 0);
        assertThat(readAll(store, j)).asString().isEqualTo("x");
    }

    // ---- seal ----------------------------------------------------------------------------------------------

    @Test
    void sealIsIdempotentAndKeepsEverythingReadable() {
        JobId j = job("seal-twice");
        List<LogChunk> chunks = LogReference.chunk(Corpus.generated().get(0).bytes(), new Random(7), 8192);
        appendAll(store, j, chunks);
        LogStat open = store.stat(j);
        store.seal(j);
        store.seal(j);
        LogStat sealed = store.stat(j);
        assertThat(sealed.sealed()).isTrue();
        assertThat(sealed.chunks()).isEqualTo(open.chunks());
        assertThat(sealed.rawBytes()).isEqualTo(open.rawBytes());
        assertThat(sealed.crc32c()).isEqualTo(open.crc32c());
        assertThat(readAllChunks(store, j)).isEqualTo(chunks);
    }

    @Test
    void sealingAnUnknownJobStoresAnEmptySealedLog() {
        JobId j = job("silent-job");
        store.seal(j);
        LogStat stat = store.stat(j);
        assertThat(stat.sealed()).isTrue();
        assertThat(stat.chunks()).isZero();
        assertThat(stat.rawBytes()).isZero();
        assertThat(stat.crc32c()).isZero();
        assertThat(store.readRange(j, 0, 100)).isEmpty();
        assertThat(store.readTailLines(j, 10)).isEmpty();
        assertThat(store.readChunks(j, 0, 10)).isEmpty();
    }

    // ---- reads ---------------------------------------------------------------------------------------------

    @Test
    void readChunksPagesAndBounds() {
        JobId j = job("pages");
        for (int i = 0; i < 50; i++) {
            store.append(j, chunk(i, "line " + i + "\n"));
        }
        for (boolean sealed : new boolean[] {false, true}) {
            if (sealed) {
                store.seal(j);
            }
            assertThat(store.readChunks(j, 10, 5)).extracting(LogChunk::seq).containsExactly(10L, 11L, 12L, 13L, 14L);
            assertThat(store.readChunks(j, 48, 100)).extracting(LogChunk::seq).containsExactly(48L, 49L);
            assertThat(store.readChunks(j, 50, 100)).isEmpty();
            assertThatThrownBy(() -> store.readChunks(j, 51, 10)).isInstanceOf(InvalidRangeException.class)
                    .hasMessageContaining("pages").hasMessageContaining("51");
            assertThatThrownBy(() -> store.readChunks(j, -1, 10)).isInstanceOf(InvalidRangeException.class).hasMessageContaining("-1");
            assertThatThrownBy(() -> store.readChunks(j, 0, 0)).isInstanceOf(InvalidRangeException.class);
            assertThatThrownBy(() -> store.readChunks(j, 0, LogStore.MAX_PAGE_CHUNKS + 1)).isInstanceOf(InvalidRangeException.class);
        }
    }

    @Test
    void readRangeBounds() {
        JobId j = job("ranges");
        appendAll(store, j, List.of(chunk(0, "0123"), chunk(1, "4567"), chunk(2, "89")));
        for (boolean sealed : new boolean[] {false, true}) {
            if (sealed) {
                store.seal(j);
            }
            assertThat(store.readRange(j, 0, 10)).asString().isEqualTo("0123456789");
            assertThat(store.readRange(j, 3, 3)).asString().isEqualTo("345");
            assertThat(store.readRange(j, 8, 100)).asString().isEqualTo("89");
            assertThat(store.readRange(j, 10, 5)).isEmpty();
            assertThat(store.readRange(j, 4, 0)).isEmpty();
            assertThatThrownBy(() -> store.readRange(j, 11, 1)).isInstanceOf(InvalidRangeException.class)
                    .hasMessageContaining("ranges").hasMessageContaining("offset 11");
            assertThatThrownBy(() -> store.readRange(j, -1, 1)).isInstanceOf(InvalidRangeException.class).hasMessageContaining("-1");
            assertThatThrownBy(() -> store.readRange(j, 0, -1)).isInstanceOf(InvalidRangeException.class);
            assertThatThrownBy(() -> store.readRange(j, 0, LogStore.MAX_READ_BYTES + 1)).isInstanceOf(InvalidRangeException.class);
        }
    }

    @Test
    void tailLinesMatchesTailDashN() {
        String[] logs = {"", "\n", "\n\n\n", "a", "a\n", "a\nb", "a\nb\n", "a\r\nb\r\nc\r\n", "x\ry\rz\n\nq", "one\ntwo\nthree\nfour\n"};
        int n = 0;
        for (String text : logs) {
            JobId j = job("tail-" + n++);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0) {
                // one byte per chunk: line ends fall on every possible chunk boundary
                for (int i = 0; i < bytes.length; i++) {
                    store.append(j, new LogChunk(i, LogStream.STDOUT, i, new byte[] {bytes[i]}));
                }
            }
            for (boolean sealed : new boolean[] {false, true}) {
                if (sealed) {
                    store.seal(j);
                }
                if (!store.exists(j)) {
                    continue;
                }
                for (int lines = 0; lines <= 6; lines++) {
                    assertThat(store.readTailLines(j, lines)).as("tail -n %d of %s (sealed %s)", lines, text.replace("\n", "\\n").replace("\r", "\\r"), sealed)
                            .isEqualTo(LogReference.tail(bytes, lines));
                }
            }
        }
        JobId j = job("tail-bad");
        store.append(j, chunk(0, "x\n"));
        assertThatThrownBy(() -> store.readTailLines(j, -1)).isInstanceOf(InvalidRangeException.class).hasMessageContaining("tail-bad");
    }

    @Test
    void tailOverTheReadLimitIsRefusedNotMaterialised() {
        JobId j = job("huge-line");
        byte[] piece = new byte[LogStore.MAX_CHUNK_BYTES];
        Arrays.fill(piece, (byte) 'x');
        int chunks = LogStore.MAX_READ_BYTES / LogStore.MAX_CHUNK_BYTES + 1;
        for (int i = 0; i < chunks; i++) {
            store.append(j, new LogChunk(i, LogStream.STDOUT, i, piece)); // one line longer than one read may return
        }
        for (boolean sealed : new boolean[] {false, true}) {
            if (sealed) {
                store.seal(j);
            }
            assertThatThrownBy(() -> store.readTailLines(j, 1)).as("sealed %s", sealed)
                    .isInstanceOf(InvalidRangeException.class).hasMessageContaining("huge-line");
            assertThat(store.readRange(j, (long) chunks * piece.length - 10, 100)).hasSize(10);
        }
    }

    @Test
    void readsOfMissingLogsFailWithNotFound() {
        JobId j = job("nobody");
        assertThat(store.exists(j)).isFalse();
        assertThatThrownBy(() -> store.stat(j)).isInstanceOf(LogNotFoundException.class).hasMessageContaining("nobody");
        assertThatThrownBy(() -> store.readChunks(j, 0, 1)).isInstanceOf(LogNotFoundException.class);
        assertThatThrownBy(() -> store.readRange(j, 0, 1)).isInstanceOf(LogNotFoundException.class);
        assertThatThrownBy(() -> store.readTailLines(j, 1)).isInstanceOf(LogNotFoundException.class);
        assertThatThrownBy(() -> store.exportArchive(j, new ByteArrayOutputStream())).isInstanceOf(LogNotFoundException.class);
    }

    // ---- bytes, not text -----------------------------------------------------------------------------------

    @Test
    void arbitraryBytesRoundTripExactly() {
        byte[] nasty = new byte[256 * 3];
        for (int i = 0; i < nasty.length; i++) {
            nasty[i] = (byte) i; // every byte value, NUL included
        }
        byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xA0, (byte) 0xA1, (byte) 0xE2, (byte) 0x28, (byte) 0xA1, (byte) 0xF0, (byte) 0x90, (byte) 0x28, (byte) 0xBC, (byte) 0xFF, (byte) 0xFE};
        byte[] ansi = "\u001b[1;31mERROR\u001b[0m progress\r50%\r100%\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] megaLine = new byte[(1 << 20) + 17];
        Arrays.fill(megaLine, (byte) 'Z');
        megaLine[megaLine.length - 1] = '\n';
        JobId j = job("bytes");
        List<LogChunk> chunks = List.of(
                new LogChunk(0, LogStream.STDOUT, 1, nasty),
                new LogChunk(1, LogStream.STDERR, 2, invalidUtf8),
                new LogChunk(2, LogStream.STDOUT, 3, ansi),
                new LogChunk(3, LogStream.STDOUT, 4, megaLine),
                new LogChunk(4, LogStream.STDOUT, 5, new byte[] {0, 0, 0, '\r'}));
        appendAll(store, j, chunks);
        byte[] expected = LogReference.concat(chunks);
        for (boolean sealed : new boolean[] {false, true}) {
            if (sealed) {
                store.seal(j);
            }
            assertThat(readAll(store, j)).isEqualTo(expected);
            assertThat(readAllChunks(store, j)).isEqualTo(chunks);
            assertThat(store.readTailLines(j, 2)).isEqualTo(LogReference.tail(expected, 2));
            assertThat(store.stat(j).crc32c()).isEqualTo(crc(expected));
        }
    }

    @Test
    void corpusLogsRoundTripByteExactBeforeAndAfterSeal() {
        Random rnd = new Random(42);
        for (Corpus.Log log : Corpus.load()) {
            JobId j = job("corpus-" + log.name().replaceAll("[^A-Za-z0-9_-]", "_"));
            List<LogChunk> chunks = LogReference.chunk(log.bytes(), rnd, 64 << 10);
            appendAll(store, j, chunks);
            for (boolean sealed : new boolean[] {false, true}) {
                if (sealed) {
                    store.seal(j);
                }
                String what = log.name() + (sealed ? " sealed" : " open");
                LogStat stat = store.stat(j);
                assertThat(stat.rawBytes()).as(what).isEqualTo(log.bytes().length);
                assertThat(stat.chunks()).as(what).isEqualTo(chunks.size());
                assertThat(stat.crc32c()).as(what).isEqualTo(crc(log.bytes()));
                assertThat(stat.sealed()).as(what).isEqualTo(sealed);
                assertThat(readAll(store, j)).as(what).isEqualTo(log.bytes());
                assertThat(readAllChunks(store, j)).as(what).isEqualTo(chunks);
                for (int i = 0; i < 20; i++) {
                    int off = rnd.nextInt(log.bytes().length + 1);
                    int len = rnd.nextInt(96 << 10);
                    byte[] expected = Arrays.copyOfRange(log.bytes(), off, Math.min(log.bytes().length, off + len));
                    assertThat(store.readRange(j, off, len)).as("%s range %d+%d", what, off, len).isEqualTo(expected);
                }
                for (int lines : new int[] {1, 10, 100, 1000}) {
                    byte[] expected = LogReference.tail(log.bytes(), lines);
                    if (expected.length <= LogStore.MAX_READ_BYTES) {
                        assertThat(store.readTailLines(j, lines)).as("%s tail -n %d", what, lines).isEqualTo(expected);
                    }
                }
                int from = rnd.nextInt(chunks.size());
                assertThat(store.readChunks(j, from, 50)).as(what).isEqualTo(chunks.subList(from, Math.min(chunks.size(), from + 50)));
            }
        }
    }

    @Test
    void compressesRealisticLogs() {
        byte[] text = Corpus.generated().get(0).bytes();
        JobId j = job("ratio");
        appendAll(store, j, LogReference.chunk(text, new Random(3), 16 << 10));
        LogStat open = store.stat(j);
        assertThat(open.storedBytes()).as("open log stored bytes").isPositive().isLessThan(open.rawBytes() / 2);
        store.seal(j);
        LogStat sealed = store.stat(j);
        assertThat(sealed.storedBytes()).as("sealed log stored bytes").isPositive().isLessThan(open.storedBytes());
    }

    // ---- persistence -----------------------------------------------------------------------------------------

    @Test
    void acknowledgedChunksSurviveARestartAndAppendsContinue() {
        JobId open = job("restart-open");
        JobId sealed = job("restart-sealed");
        appendAll(store, open, List.of(chunk(0, "a\n"), chunk(1, "b\n")));
        appendAll(store, sealed, List.of(chunk(0, "x\n")));
        store.seal(sealed);
        store.close();
        LogStore again = reopen();
        assertThat(readAll(again, open)).asString().isEqualTo("a\nb\n");
        assertThat(again.stat(open).sealed()).isFalse();
        again.append(open, chunk(1, "b\n"));
        assertThatThrownBy(() -> again.append(open, chunk(3, "d\n"))).isInstanceOf(SequenceGapException.class).hasMessageContaining("expected seq 2");
        again.append(open, chunk(2, "c\n"));
        assertThat(readAll(again, open)).asString().isEqualTo("a\nb\nc\n");
        assertThat(again.stat(open).crc32c()).isEqualTo(crc("a\nb\nc\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(again.stat(sealed).sealed()).isTrue();
        assertThat(readAll(again, sealed)).asString().isEqualTo("x\n");
    }

    // ---- delete and list -------------------------------------------------------------------------------------

    @Test
    void deleteRemovesEverythingAndIsIdempotent() {
        JobId open = job("del-open");
        JobId sealed = job("del-sealed");
        appendAll(store, open, List.of(chunk(0, "a")));
        appendAll(store, sealed, List.of(chunk(0, "b")));
        store.seal(sealed);
        store.delete(open);
        store.delete(sealed);
        store.delete(job("never-existed"));
        assertThat(store.exists(open)).isFalse();
        assertThat(store.exists(sealed)).isFalse();
        assertThatThrownBy(() -> store.stat(sealed)).isInstanceOf(LogNotFoundException.class);
        assertThat(store.list("del-", null, 100).jobs()).isEmpty();
        store.append(open, chunk(0, "fresh"));
        assertThat(readAll(store, open)).asString().isEqualTo("fresh");
    }

    @Test
    void listPagesByPrefixInIdOrder() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add(String.format("list-%02d", i));
        }
        ids.add("other-1");
        for (String id : ids) {
            store.append(job(id), chunk(0, id));
        }
        store.seal(job("list-03"));
        List<String> seen = new ArrayList<>();
        JobId after = null;
        int pages = 0;
        do {
            JobPage page = store.list("list-", after, 10);
            page.jobs().forEach(id -> seen.add(id.value()));
            after = page.nextStartAfter().orElse(null);
            pages++;
        } while (after != null && pages < 10);
        assertThat(seen).containsExactlyElementsOf(ids.subList(0, 25));
        assertThat(pages).isEqualTo(3);
        assertThat(store.list("", null, 1000).jobs()).hasSize(26);
        assertThat(store.list("zzz", null, 10).jobs()).isEmpty();
        assertThat(store.list("list-2", job("list-21"), 10).jobs()).extracting(JobId::value).containsExactly("list-22", "list-23", "list-24");
        assertThatThrownBy(() -> store.list("../", null, 10)).isInstanceOf(LogStoreException.class).hasMessageContaining("prefix");
        assertThatThrownBy(() -> store.list("", null, 0)).isInstanceOf(LogStoreException.class).hasMessageContaining("limit");
    }

    // ---- archive hand-off ------------------------------------------------------------------------------------

    @Test
    void exportThenImportReproducesTheLog() {
        JobId src = job("export-src");
        List<LogChunk> chunks = LogReference.chunk(Corpus.generated().get(2).bytes(), new Random(11), 8192);
        appendAll(store, src, chunks);
        assertThatThrownBy(() -> store.exportArchive(src, new ByteArrayOutputStream()))
                .isInstanceOf(LogNotSealedException.class).hasMessageContaining("export-src");
        store.seal(src);
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        store.exportArchive(src, archive);
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        store.exportArchive(src, again);
        assertThat(again.toByteArray()).isEqualTo(archive.toByteArray());

        JobId dst = job("export-dst");
        store.importArchive(dst, new ByteArrayInputStream(archive.toByteArray()));
        assertThat(store.stat(dst).sealed()).isTrue();
        assertThat(readAllChunks(store, dst)).isEqualTo(chunks);
        assertThat(store.stat(dst).crc32c()).isEqualTo(store.stat(src).crc32c());
        // a resumed tier move imports the same archive again: no-op
        store.importArchive(dst, new ByteArrayInputStream(archive.toByteArray()));
        assertThat(readAllChunks(store, dst)).isEqualTo(chunks);

        JobId other = job("export-other");
        store.append(other, chunk(0, "different"));
        store.seal(other);
        assertThatThrownBy(() -> store.importArchive(other, new ByteArrayInputStream(archive.toByteArray())))
                .isInstanceOf(ChunkConflictException.class).hasMessageContaining("export-other");
        assertThat(readAll(store, other)).asString().isEqualTo("different");
    }

    @Test
    void exportedArchivesDecodeWithTheZstdCommand() throws Exception {
        Path zstd = ExternalTools.require("zstd", "apt-get install zstd");
        Random rnd = new Random(21);
        int n = 0;
        for (Corpus.Log log : Corpus.load()) {
            JobId j = job("zstd-" + n++);
            appendAll(store, j, LogReference.chunk(log.bytes(), rnd, 32 << 10));
            store.seal(j);
            Path file = Files.createTempFile("cinch-export-", ".zst");
            try {
                try (var out = Files.newOutputStream(file)) {
                    store.exportArchive(j, out);
                }
                ExternalTools.Result r = ExternalTools.run(List.of(zstd.toString(), "-dc", file.toString()));
                assertThat(r.exitCode()).as("zstd -dc of %s: %s", log.name(), r.stderr()).isZero();
                assertThat(r.stdout()).as("zstd -dc of %s", log.name()).isEqualTo(log.bytes());
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void importOfDamagedArchiveIsRejectedAndLeavesNothing() {
        JobId src = job("damaged-src");
        appendAll(store, src, LogReference.chunk(Corpus.generated().get(0).bytes(), new Random(5), 4096));
        store.seal(src);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.exportArchive(src, out);
        byte[] good = out.toByteArray();

        byte[] flipped = good.clone();
        flipped[good.length / 3] ^= 0x40;
        byte[] truncated = Arrays.copyOf(good, good.length - 5);
        byte[] garbage = "this is not an archive".getBytes(StandardCharsets.UTF_8);
        int n = 0;
        for (byte[] bad : List.of(flipped, truncated, garbage, new byte[0])) {
            JobId dst = job("damaged-dst-" + n++);
            assertThatThrownBy(() -> store.importArchive(dst, new ByteArrayInputStream(bad)))
                    .isInstanceOf(CorruptLogException.class).hasMessageContaining(dst.value());
            assertThat(store.exists(dst)).isFalse();
        }
    }

    // ---- follow ----------------------------------------------------------------------------------------------

    @Test
    @Timeout(60)
    void followerSeesEveryChunkWhileTheWriterAppends() throws Exception {
        JobId j = job("follow-live");
        List<LogChunk> chunks = LogReference.chunk(Corpus.generated().get(0).bytes(), new Random(9), 2048);
        try (LogFollower follower = store.follow(j, 0)) {
            Thread writer = new Thread(() -> {
                for (LogChunk c : chunks) {
                    store.append(j, c);
                    if (c.seq() % 50 == 0) {
                        sleep(2);
                    }
                }
                store.seal(j);
            });
            writer.start();
            List<LogChunk> got = new ArrayList<>();
            while (!follower.isFinished()) {
                got.addAll(follower.poll(Duration.ofSeconds(10)));
            }
            writer.join();
            assertThat(got).isEqualTo(chunks);
            assertThat(follower.nextSeq()).isEqualTo(chunks.size());
            assertThat(follower.poll(Duration.ofMillis(10))).isEmpty();
        }
    }

    @Test
    @Timeout(30)
    void followerWakesPromptlyOnAppend() throws Exception {
        JobId j = job("follow-prompt");
        store.append(j, chunk(0, "first\n"));
        try (LogFollower follower = store.follow(j, 1)) {
            assertThat(follower.poll(Duration.ofMillis(50))).isEmpty();
            CountDownLatch waiting = new CountDownLatch(1);
            Future<List<LogChunk>> next;
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                next = pool.submit(() -> {
                    waiting.countDown();
                    return follower.poll(Duration.ofSeconds(20));
                });
                waiting.await();
                sleep(100);
                long appended = System.nanoTime();
                store.append(j, chunk(1, "second\n"));
                List<LogChunk> got = next.get(20, TimeUnit.SECONDS);
                long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - appended);
                assertThat(got).containsExactly(chunk(1, "second\n"));
                // Woken by the append, not by the safety re-check.
                assertThat(latencyMs).as("follow wake-up latency ms").isLessThan(ChangeFeedLimits.WAKE_MS);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    @Timeout(30)
    void slowFollowerOfASealedLogReadsItAllFromStorage() throws Exception {
        JobId j = job("follow-late");
        List<LogChunk> chunks = LogReference.chunk(Corpus.generated().get(1).bytes(), new Random(10), 1024);
        appendAll(store, j, chunks);
        store.seal(j);
        try (LogFollower follower = store.follow(j, 5)) {
            List<LogChunk> got = new ArrayList<>();
            while (!follower.isFinished()) {
                got.addAll(follower.poll(Duration.ofSeconds(5)));
            }
            assertThat(got).isEqualTo(chunks.subList(5, chunks.size()));
        }
        try (LogFollower beyond = store.follow(j, chunks.size() + 1)) {
            assertThatThrownBy(() -> beyond.poll(Duration.ofSeconds(1))).isInstanceOf(InvalidRangeException.class);
        }
    }

    @Test
    @Timeout(30)
    void followerOfADeletedLogIsTold() throws Exception {
        JobId j = job("follow-deleted");
        store.append(j, chunk(0, "a"));
        try (LogFollower follower = store.follow(j, 0)) {
            assertThat(follower.poll(Duration.ofSeconds(5))).hasSize(1);
            store.delete(j);
            assertThatThrownBy(() -> follower.poll(Duration.ofSeconds(5))).isInstanceOf(LogNotFoundException.class);
        }
    }

    // ---- concurrency -----------------------------------------------------------------------------------------

    @Test
    @Timeout(180)
    void manyJobsAppendConcurrently() throws Exception {
        int jobs = 200;
        byte[] base = Corpus.generated().get(0).bytes();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    try {
                        JobId j = job("concurrent-" + n);
                        byte[] log = Arrays.copyOfRange(base, (n * 997) % (base.length / 2), (n * 997) % (base.length / 2) + 20_000 + n * 10);
                        List<LogChunk> chunks = LogReference.chunk(log, new Random(n), 4096);
                        appendAll(store, j, chunks);
                        if (n % 2 == 0) {
                            store.seal(j);
                        }
                        assertThat(readAll(store, j)).isEqualTo(log);
                        assertThat(store.stat(j).chunks()).isEqualTo(chunks.size());
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(errors).isEmpty();
        assertThat(store.list("concurrent-", null, 1000).jobs()).hasSize(jobs);
    }

    @Test
    @Timeout(120)
    void readersSeeAConsistentPrefixWhileTheWriterAppends() throws Exception {
        JobId j = job("prefix");
        byte[] log = Corpus.generated().get(1).bytes();
        List<LogChunk> chunks = LogReference.chunk(log, new Random(12), 2048);
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> {
            Random rnd = new Random(1);
            while (!done.get()) {
                try {
                    LogStat stat = store.stat(j);
                    byte[] head = store.readRange(j, 0, (int) Math.min(stat.rawBytes(), 1 << 20));
                    if (!Arrays.equals(head, Arrays.copyOf(log, head.length))) {
                        problems.add("range read is not a prefix at size " + head.length);
                    }
                    long from = stat.chunks() == 0 ? 0 : rnd.nextInt((int) stat.chunks());
                    for (LogChunk c : store.readChunks(j, from, 20)) {
                        if (!c.equals(chunks.get((int) c.seq()))) {
                            problems.add("chunk " + c.seq() + " differs");
                        }
                    }
                    byte[] tail = store.readTailLines(j, 3);
                    long after = store.stat(j).rawBytes();
                    // The log may grow between the reads: the tail must be the tail of a prefix that ends on a
                    // chunk boundary somewhere between the two stats.
                    boolean matches = false;
                    long end = 0;
                    for (LogChunk c : chunks) {
                        end += c.length();
                        if (end >= stat.rawBytes() && end <= after
                                && Arrays.equals(tail, LogReference.tail(Arrays.copyOf(log, (int) end), 3))) {
                            matches = true;
                            break;
                        }
                    }
                    if (!matches && !(stat.rawBytes() == 0 && tail.length == 0)) {
                        problems.add("tail of " + tail.length + " bytes is not the tail of any prefix between " + stat.rawBytes() + " and " + after);
                    }
                } catch (LogNotFoundException e) {
                    // not created yet
                } catch (Throwable t) {
                    problems.add(t.toString());
                }
            }
        });
        reader.start();
        appendAll(store, j, chunks);
        store.seal(j);
        done.set(true);
        reader.join();
        assertThat(problems).isEmpty();
        assertThat(readAll(store, j)).isEqualTo(log);
    }

    @Test
    @Timeout(60)
    void interruptedReadersAndWritersDoNotBreakTheLog() throws Exception {
        JobId j = job("interrupts");
        List<LogChunk> chunks = LogReference.chunk(Corpus.generated().get(0).bytes(), new Random(13), 4096);
        appendAll(store, j, chunks.subList(0, 50));
        // NIO closes a channel when the thread reading it is interrupted: readers must not share the writer's.
        for (int round = 0; round < 20; round++) {
            Thread reader = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        store.readRange(j, 0, 1 << 16);
                        store.readChunks(j, 0, 50);
                    } catch (LogStoreException e) {
                        return; // an interrupted read may fail; it must not harm anyone else
                    }
                }
            });
            reader.start();
            sleep(2);
            reader.interrupt();
            reader.join();
        }
        Thread.interrupted();
        // an interrupted appender may fail its own append, but the log stays usable and intact
        Thread writer = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                store.append(j, chunks.get(50));
            } catch (LogStoreException e) {
                // allowed: the caller retries
            }
        });
        writer.start();
        writer.join();
        for (LogChunk c : chunks.subList(50, chunks.size())) {
            store.append(j, c); // identical retry of seq 50 if the interrupted append landed
        }
        assertThat(readAllChunks(store, j)).isEqualTo(chunks);
        store.seal(j);
        assertThat(readAllChunks(store, j)).isEqualTo(chunks);
    }

    // ---- close and bad input ---------------------------------------------------------------------------------

    @Test
    void closeIsIdempotentAndLaterCallsFail() {
        JobId j = job("closing");
        store.append(j, chunk(0, "a"));
        store.close();
        store.close();
        assertThatThrownBy(() -> store.append(j, chunk(1, "b"))).isInstanceOf(LogStoreClosedException.class);
        assertThatThrownBy(() -> store.stat(j)).isInstanceOf(LogStoreClosedException.class);
        assertThatThrownBy(() -> store.readRange(j, 0, 1)).isInstanceOf(LogStoreClosedException.class);
        assertThatThrownBy(() -> store.follow(j, 0)).isInstanceOf(LogStoreClosedException.class);
        assertThat(readAll(reopen(), j)).asString().isEqualTo("a");
    }

    @Test
    void invalidJobIdsNeverReachTheStore() {
        for (String bad : new String[] {"", "../../etc/passwd", "a/b", "a\\b", "..", ".", "nul\0byte", "sp ace", "x".repeat(129), "ünïcode", "new\nline"}) {
            assertThatThrownBy(() -> JobId.of(bad)).as(bad).isInstanceOf(InvalidJobIdException.class).hasMessageContaining("invalid job id");
        }
        assertThatThrownBy(() -> JobId.of(null)).isInstanceOf(InvalidJobIdException.class);
        assertThatCode(() -> JobId.of("j_abc-123_" + "x".repeat(118))).doesNotThrowAnyException();
        assertThat(store.list("", null, 10).jobs()).isEmpty();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Limits the follow tests hold stores to. */
    static final class ChangeFeedLimits {
        /** A follower must wake within this long of an append (the safety re-check is 2 s, so this proves a signal). */
        static final long WAKE_MS = 1_000;
    }

}
