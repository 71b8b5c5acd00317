package dev.cinch.logs;

import dev.cinch.logs.testkit.Corpus;
import dev.cinch.logs.testkit.ExternalTools;
import dev.cinch.logs.testkit.LogReference;
import dev.cinch.logs.archive.ArchiveOptions;
import dev.cinch.logs.archive.SeekableArchiveWriter;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.ConfigException;
import dev.cinch.logs.storage.CountingStorage;
import dev.cinch.logs.storage.LogStorage;
import dev.cinch.logs.store.StorageBackedLogStore;
import dev.cinch.logs.store.StoreOptions;
import dev.cinch.logs.text.SearchMatch;
import dev.cinch.logs.text.SearchOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.TestInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
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
 * {@link #storeConfig()} (the store is opened the way users open it, through {@link LogStores} by name); a backend
 * may add cases but may not skip one. When a backend is found doing something wrong, the case goes here so every
 * backend is held to it.
 *
 * <p><b>Lifecycle.</b> For each test: {@link #prepareStorage()} (a schema, a bucket prefix), then the first store
 * opens; after the test every store opened through {@link #reopen()} is closed, then {@link #cleanupStorage()} runs.
 * Tests never assume an empty store: every job id is in a namespace of its own ({@link #job}), and every list is
 * by that prefix. {@link #beforeAppend} runs for each job id a test uses, before anything is stored for it (a
 * backend whose rows need a {@code jobs} row registers it there).
 *
 * <p><b>Capabilities.</b> A few cases need a hook into the backend's storage (to damage stored bytes). A backend
 * that cannot offer one declares the capability absent in {@link #absentCapabilities()}; the cases that need it are
 * then skipped, each listed by name with the reason at the end of the class. Nothing else is ever skipped.
 */
public abstract class AbstractLogStoreContractTest {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractLogStoreContractTest.class);
    private static final Map<Class<?>, List<String>> SKIPPED = new ConcurrentHashMap<>();

    private final List<LogStore> opened = new ArrayList<>();
    /** This test's namespace: the prefix of every job id it uses. */
    protected final String ns = "t" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 45), 36) + "-";
    protected LogStore store;

    /** What a backend may be unable to offer to the contract suite. */
    protected enum Capability {
        /** {@link #damageChunk}: change the stored body of one chunk of an open log. */
        DAMAGE_CHUNK,
        /** {@link #damageIndex}: change the backend's index record of one chunk of an open log, not its body. */
        DAMAGE_INDEX,
        /** {@link #damageArchive}: change a byte inside the data of a sealed log's archive. */
        DAMAGE_ARCHIVE,
        /**
         * {@link #loseWriterRole}: take the writer role away from the instance holding it, as another instance may
         * when the holder's lease was not renewed in time. Absent unless {@link #canLoseWriterRole()} says otherwise:
         * most backends' role (a file lock, a row lock) cannot be lost by a live holder.
         */
        LOSE_WRITER_ROLE,
        /**
         * {@link #openStorage}: the backend's {@link LogStorage} itself, to count what a read fetches from it. Absent
         * unless {@link #canOpenStorage()} says otherwise.
         */
        OPEN_STORAGE
    }

    /** The configuration that selects and sets up this backend (its provider name in {@code log-store}). */
    protected abstract CinchConfig storeConfig();

    /**
     * Opens a store over this test's storage. Called again within a test, it must open the <em>same</em> storage
     * (a restart, or a second server instance), so persistence and sharing can be checked.
     */
    protected LogStore openStore() {
        return LogStores.fromClassPath().open(storeConfig());
    }

    /**
     * True for a suite that implements {@link #openStorage}; otherwise {@link Capability#OPEN_STORAGE} counts as absent
     * (a decorator's suite, whose store is not one {@link StorageBackedLogStore} over one storage).
     */
    protected boolean canOpenStorage() {
        return false;
    }

    /**
     * The backend's storage over this test's storage, as its provider builds it (for {@link Capability#OPEN_STORAGE}:
     * a case wraps it to count what reads fetch).
     */
    protected LogStorage openStorage() throws Exception {
        throw new UnsupportedOperationException("declare Capability.OPEN_STORAGE absent or implement openStorage");
    }

    /** Prepares storage before the test's first store opens (a fresh schema, a bucket prefix). */
    protected void prepareStorage() throws Exception {
    }

    /** Cleans up after the test's last store closed. */
    protected void cleanupStorage() throws Exception {
    }

    /** Called once for every job id a test uses, before anything is stored for it. Must be idempotent. */
    protected void beforeAppend(JobId job) {
    }

    /**
     * How big the big cases are, in percent (job counts, corpus logs): a backend behind a server on 2 cores may run
     * them smaller, never below the minimum each case keeps.
     */
    protected int scalePercent() {
        return 100;
    }

    /**
     * The tier name {@code stat} and {@code verify} report for a log this test wrote through {@code s}, open or just
     * sealed: the store's name, or for a composite store the name of the tier such a log is in.
     */
    protected String tierOf(LogStore s, boolean sealed) {
        return s.name();
    }

    /** Capabilities this backend cannot offer; the cases needing them are skipped and listed. */
    protected Set<Capability> absentCapabilities() {
        return Set.of();
    }

    /**
     * True for a backend whose writer role can be lost by a live holder (a lease) and that implements
     * {@link #loseWriterRole}; otherwise {@link Capability#LOSE_WRITER_ROLE} counts as absent.
     */
    protected boolean canLoseWriterRole() {
        return false;
    }

    /**
     * Damages the stored body of chunk {@code seq} of the job's open log (no store of this test has the log open for
     * writing when it is called), so that it no longer decodes to the chunk's bytes.
     */
    protected void damageChunk(JobId job, long seq) throws Exception {
        throw new UnsupportedOperationException("declare Capability.DAMAGE_CHUNK absent or implement damageChunk");
    }

    /** Damages the backend's index record of chunk {@code seq} of the job's open log, leaving the chunk's body intact. */
    protected void damageIndex(JobId job, long seq) throws Exception {
        throw new UnsupportedOperationException("declare Capability.DAMAGE_INDEX absent or implement damageIndex");
    }

    /**
     * Makes the writer role of the job's open log free for another instance although a store of this test still
     * holds it (e.g. removes an expired lease), without telling that store.
     */
    protected void loseWriterRole(JobId job) throws Exception {
        throw new UnsupportedOperationException("declare Capability.LOSE_WRITER_ROLE absent or implement loseWriterRole");
    }

    /** Damages one byte inside the compressed data of the job's sealed archive. */
    protected void damageArchive(JobId job) throws Exception {
        throw new UnsupportedOperationException("declare Capability.DAMAGE_ARCHIVE absent or implement damageArchive");
    }

    @BeforeEach
    void openTheStore() throws Exception {
        prepareStorage();
        store = reopen();
    }

    @AfterEach
    void closeStores() throws Exception {
        try {
            for (LogStore s : opened) {
                s.close();
            }
            opened.clear();
        } finally {
            cleanupStorage();
        }
    }

    @AfterAll
    static void reportSkips(TestInfo info) {
        List<String> skipped = SKIPPED.remove(info.getTestClass().orElseThrow());
        if (skipped != null) {
            LOG.warn("contract cases skipped for {} because the backend declares a capability absent: {}",
                    info.getTestClass().get().getSimpleName(), skipped);
        }
    }

    /** Skips the calling case, by name, when the backend declares {@code c} absent. */
    protected final void require(Capability c, TestInfo info) {
        if (absentCapabilities().contains(c) || (c == Capability.LOSE_WRITER_ROLE && !canLoseWriterRole())
                || (c == Capability.OPEN_STORAGE && !canOpenStorage())) {
            String name = info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("?");
            SKIPPED.computeIfAbsent(getClass(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                    .add(name + " (needs " + c + ")");
            Assumptions.abort(name + " needs " + c + ", which " + getClass().getSimpleName() + " declares absent");
        }
    }

    /** Opens another store instance over the same storage; closed after the test. */
    protected final LogStore reopen() {
        LogStore s = openStore();
        opened.add(s);
        return s;
    }

    /** A job id in this test's namespace, registered with {@link #beforeAppend}. */
    protected final JobId job(String id) {
        JobId j = JobId.of(ns + id);
        beforeAppend(j);
        return j;
    }

    /** The corpus (real logs when {@code CINCH_CORPUS_DIR} names them), thinned evenly by {@link #scalePercent()}. */
    protected final List<Corpus.Log> corpus() {
        List<Corpus.Log> all = Corpus.load();
        int keep = scaled(all.size(), Math.min(all.size(), 8));
        List<Corpus.Log> sample = new ArrayList<>();
        for (int i = 0; i < keep; i++) {
            sample.add(all.get((int) ((long) i * all.size() / keep)));
        }
        return sample;
    }

    /** {@code n} scaled by {@link #scalePercent()}, never below {@code min}. */
    protected final int scaled(int n, int min) {
        return Math.max(min, n * scalePercent() / 100);
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
        assertThat(stat.tier()).isEqualTo(tierOf(store, false));
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
    void aRangeReadIntoABufferIsTheSameReadAndTouchesNothingElse() {
        JobId j = job("buffer-ranges");
        Random rnd = new Random(41);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<LogChunk> chunks = new ArrayList<>();
        for (int seq = 0; seq < 120; seq++) {
            byte[] data = new byte[1 + rnd.nextInt(5000)];
            for (int i = 0; i < data.length; i++) {
                // log-like text with NUL, \r and bytes that are not UTF-8
                int kind = rnd.nextInt(40);
                data[i] = (byte) (kind == 0 ? 0 : kind == 1 ? '\r' : kind == 2 ? 0xC3 : kind < 6 ? '\n' : 'a' + rnd.nextInt(26));
            }
            chunks.add(new LogChunk(seq, LogStream.STDOUT, seq, data));
            all.writeBytes(data);
        }
        appendAll(store, j, chunks);
        byte[] log = all.toByteArray();
        for (boolean sealed : new boolean[] {false, true}) {
            if (sealed) {
                store.seal(j);
            }
            for (int round = 0; round < 150; round++) {
                long offset = round == 0 ? log.length : rnd.nextInt(log.length);
                int length = round % 10 == 0 ? log.length : rnd.nextInt(70_000);
                int dstOffset = rnd.nextInt(100);
                byte[] dst = new byte[dstOffset + length + rnd.nextInt(100)];
                Arrays.fill(dst, (byte) 0x5A);
                int n = store.readRange(j, offset, dst, dstOffset, length);
                byte[] expected = store.readRange(j, offset, length);
                assertThat(n).as("sealed %s, offset %d, length %d", sealed, offset, length).isEqualTo(expected.length)
                        .isEqualTo((int) Math.min(length, log.length - offset));
                assertThat(Arrays.copyOfRange(dst, dstOffset, dstOffset + n))
                        .isEqualTo(Arrays.copyOfRange(log, (int) offset, (int) offset + n));
                for (int i = 0; i < dst.length; i++) {
                    if (i < dstOffset || i >= dstOffset + n) {
                        assertThat(dst[i]).as("byte %d outside the answer", i).isEqualTo((byte) 0x5A);
                    }
                }
            }
            assertThatThrownBy(() -> store.readRange(j, 0, new byte[10], 5, 6)).isInstanceOf(InvalidRangeException.class)
                    .hasMessageContaining("buffer-ranges");
            assertThatThrownBy(() -> store.readRange(j, 0, new byte[10], -1, 1)).isInstanceOf(InvalidRangeException.class);
            assertThatThrownBy(() -> store.readRange(j, log.length + 1, new byte[10], 0, 1))
                    .isInstanceOf(InvalidRangeException.class).hasMessageContaining("offset " + (log.length + 1));
            assertThatThrownBy(() -> store.readRange(j, -1, new byte[10], 0, 1)).isInstanceOf(InvalidRangeException.class);
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

    // ---- line access ---------------------------------------------------------------------------------------

    /** Every line range of {@code bytes}, and those just past its end, checked against the reference. */
    private void assertEveryLineRange(JobId j, byte[] bytes, String what) {
        long lines = countLines(bytes);
        for (long from = 1; from <= lines + 2; from++) {
            for (int count = 0; count <= lines + 1; count++) {
                assertLines(j, bytes, from, count, what);
            }
        }
    }

    private void assertLines(JobId j, byte[] bytes, long from, int count, String what) {
        byte[] expected = LogReference.lines(bytes, from, count);
        String ask = String.format("%s: lines %d+%d", what, from, count);
        if (expected == null) {
            assertThatThrownBy(() -> store.readLines(j, from, count)).as(ask).isInstanceOf(LinesBeyondEndException.class)
                    .hasMessageContaining(j.value()).hasMessageContaining("line " + from);
        } else {
            assertThat(store.readLines(j, from, count)).as(ask).isEqualTo(expected);
        }
    }

    private static long countLines(byte[] bytes) {
        long n = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                n++;
            }
        }
        return n + (bytes.length > 0 && bytes[bytes.length - 1] != '\n' ? 1 : 0);
    }

    @Test
    void linesMatchSedOnEveryShape() {
        byte[][] logs = {
                {}, "\n".getBytes(StandardCharsets.US_ASCII), "\n\n\n".getBytes(StandardCharsets.US_ASCII),
                "a".getBytes(StandardCharsets.US_ASCII), "a\n".getBytes(StandardCharsets.US_ASCII),
                "a\nb".getBytes(StandardCharsets.US_ASCII), "a\r\nb\r\nc\r\n".getBytes(StandardCharsets.US_ASCII),
                "x\ry\rz\n\nq".getBytes(StandardCharsets.US_ASCII),
                {'n', 0, 'u', 'l', '\n', 0, '\n', 0}, // NUL is an ordinary byte
                {(byte) 0xC3, (byte) 0x28, '\n', (byte) 0xFF, (byte) 0xFE, '\r', '\n', (byte) 0xE2, (byte) 0x28}, // not UTF-8
        };
        int n = 0;
        for (byte[] bytes : logs) {
            JobId j = job("lines-" + n++);
            // one byte per chunk: line ends fall on every possible chunk boundary
            for (int i = 0; i < bytes.length; i++) {
                store.append(j, new LogChunk(i, LogStream.STDOUT, i, new byte[] {bytes[i]}));
            }
            if (bytes.length == 0) {
                store.openWriter(j).close(); // an empty open log
            }
            for (boolean sealed : new boolean[] {false, true}) {
                if (sealed) {
                    store.seal(j);
                }
                assertEveryLineRange(j, bytes, (sealed ? "sealed " : "open ") + Arrays.toString(bytes));
            }
        }
        JobId j = job("lines-bad");
        store.append(j, chunk(0, "x\n"));
        assertThatThrownBy(() -> store.readLines(j, 0, 1)).isInstanceOf(InvalidRangeException.class)
                .hasMessageContaining("lines-bad").hasMessageContaining("line 0");
        assertThatThrownBy(() -> store.readLines(j, 1, -1)).isInstanceOf(InvalidRangeException.class)
                .hasMessageContaining("lines-bad").hasMessageContaining("-1");
        assertThatThrownBy(() -> store.readLines(job("lines-nobody"), 1, 1)).isInstanceOf(LogNotFoundException.class);
    }

    @Test
    void linesOfRandomRangesEqualTheReferenceAcrossChunksAndFrames() {
        Random rnd = new Random(17);
        // Longer than several archive frames, with long lines and every byte value: lines cross frame boundaries.
        byte[] bytes = LogReference.concat(List.of(
                new LogChunk(0, LogStream.STDOUT, 0, Corpus.generated().get(0).bytes()),
                new LogChunk(1, LogStream.STDOUT, 0, Corpus.generated().get(3).bytes()),
                new LogChunk(2, LogStream.STDOUT, 0, Corpus.generated().get(4).bytes())));
        bytes = Arrays.copyOf(bytes, Math.max(1 << 16, bytes.length * scalePercent() / 100));
        JobId j = job("lines-random");
        List<LogChunk> chunks = LogReference.chunk(bytes, rnd, 16 << 10);
        appendAll(store, j, chunks);
        long lines = countLines(bytes);
        for (boolean sealed : new boolean[] {false, true}) {
            if (sealed) {
                store.seal(j);
            }
            String what = sealed ? "sealed" : "open";
            for (int i = 0; i < scaled(60, 15); i++) {
                long from = 1 + (long) rnd.nextInt((int) lines + 2);
                int count = rnd.nextInt(4) == 0 ? rnd.nextInt(5) : rnd.nextInt(3_000);
                assertLines(j, bytes, from, count, what);
            }
            assertLines(j, bytes, lines, 1, what + " last line");
            assertLines(j, bytes, lines + 1, 1, what + " past the last line");
            assertLines(j, bytes, lines + 2, 1, what + " beyond the end");
            assertThat(store.readLines(j, 1, Integer.MAX_VALUE)).as(what + " all lines").isEqualTo(bytes);
        }
    }

    @Test
    void linesGrowWithAnOpenLog() {
        JobId j = job("lines-grow");
        store.append(j, chunk(0, "one\ntw"));
        assertThat(store.readLines(j, 2, 5)).asString().isEqualTo("tw");
        assertThat(store.readLines(j, 3, 5)).isEmpty();
        store.append(j, chunk(1, "o\nthree\n"));
        assertThat(store.readLines(j, 2, 5)).asString().isEqualTo("two\nthree\n");
        assertThat(store.readLines(j, 4, 5)).isEmpty();
        assertThatThrownBy(() -> store.readLines(j, 5, 1)).isInstanceOf(LinesBeyondEndException.class)
                .hasMessageContaining("3 lines");
    }

    @Test
    void searchFindsLinesInOpenAndSealedLogs() {
        JobId j = job("search");
        byte[] bytes = ("[INFO] start\n\u001b[31mERROR\u001b[0m: x\r\nerror: y\nok\nwarn\u0000z\nlast ERROR")
                .getBytes(StandardCharsets.UTF_8);
        for (int seq = 0; seq * 5 < bytes.length; seq++) {
            // five bytes per chunk: lines cross chunk boundaries
            store.append(j, new LogChunk(seq, LogStream.STDOUT, seq,
                    Arrays.copyOfRange(bytes, seq * 5, Math.min(bytes.length, seq * 5 + 5))));
        }
        SearchOptions options = SearchOptions.defaults();
        for (boolean sealed : new boolean[] {false, true}) {
            if (sealed) {
                store.seal(j);
            }
            String what = sealed ? "sealed" : "open";
            List<SearchMatch> found = store.search(j, "error", options.withIgnoreCase(true)).toList();
            assertThat(found).as(what).extracting(SearchMatch::lineNumber).containsExactly(2L, 3L, 6L);
            assertThat(found).as(what).extracting(SearchMatch::offset).containsExactly(13L, 32L, 51L);
            assertThat(found.get(0).line()).as(what).isEqualTo(Arrays.copyOfRange(bytes, 13, 31)); // \r stays, \n does not
            assertThat(found.get(2).line()).as(what + ": the last line has no \\n").asString().isEqualTo("last ERROR");
            assertThat(store.search(j, "ERROR: x", options).toList()).as(what).isEmpty();
            assertThat(store.search(j, "ERROR: x", options.withAnsiAware(true).withFixedStrings(true)).toList())
                    .as(what).extracting(SearchMatch::lineNumber).containsExactly(2L);
            assertThat(store.search(j, "^ok$", options.withContext(1)).toList()).as(what)
                    .extracting(m -> m.lineNumber() + (m.match() ? ":" : "-")).containsExactly("3-", "4:", "5-");
            assertThat(store.search(j, "n.z", options).toList()).as(what + ": NUL is a byte")
                    .extracting(SearchMatch::lineNumber).containsExactly(5L);
            assertThatThrownBy(() -> store.search(j, "(unclosed", options)).as(what).isInstanceOf(InvalidPatternException.class)
                    .hasMessageContaining("search");
        }
        JobId empty = job("search-empty");
        store.seal(empty);
        assertThat(store.search(empty, "", options).toList()).isEmpty();
        assertThatThrownBy(() -> store.search(job("search-nobody"), "x", options)).isInstanceOf(LogNotFoundException.class);
    }

    private static byte asciiLower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    /** What {@code grep -n [-i] -F -C context literal} finds, computed on the bytes: the reference for filtered searches. */
    private static List<SearchMatch> grepReference(byte[] log, byte[] literal, boolean ignoreCase, int context) {
        List<long[]> lines = new ArrayList<>(); // start, end (exclusive of \n)
        for (int[] span : LogReference.lineSpans(log)) {
            int end = span[1] > span[0] && log[span[1] - 1] == '\n' ? span[1] - 1 : span[1];
            lines.add(new long[] {span[0], end});
        }
        boolean[] hit = new boolean[lines.size()];
        for (int n = 0; n < lines.size(); n++) {
            int from = (int) lines.get(n)[0];
            int to = (int) lines.get(n)[1];
            for (int i = from; i + literal.length <= to && !hit[n]; i++) {
                boolean eq = true;
                for (int k = 0; k < literal.length && eq; k++) {
                    byte a = log[i + k];
                    byte b = literal[k];
                    eq = a == b || (ignoreCase && asciiLower(a) == asciiLower(b));
                }
                hit[n] = eq;
            }
        }
        List<SearchMatch> out = new ArrayList<>();
        long last = 0;
        for (int n = 0; n < lines.size(); n++) {
            boolean shown = false;
            for (int d = -context; d <= context && !shown; d++) {
                shown = n + d >= 0 && n + d < lines.size() && hit[n + d];
            }
            if (shown) {
                long number = n + 1;
                out.add(new SearchMatch(number, lines.get(n)[0], Arrays.copyOfRange(log, (int) lines.get(n)[0],
                        (int) lines.get(n)[1]), hit[n], last > 0 && number != last + 1));
                last = number;
            }
        }
        return out;
    }

    @Test
    void aSealedLogIsSearchedOnlyWhereItsFiltersSayALiteralMayBeAndFindsAllAFullScanFinds() {
        JobId j = job("filtered-search");
        byte[] log = Corpus.generated().get(2).bytes();
        log = Arrays.copyOf(log, Math.min(log.length, Math.max(1 << 20, log.length * scalePercent() / 100)));
        List<LogChunk> chunks = LogReference.chunk(log, new Random(31), 4096);
        appendAll(store, j, chunks);
        byte[] missing = "zq-no-such-thing-xw".getBytes(StandardCharsets.US_ASCII);
        assertThat(store.rangesThatMayContain(j, missing)).as("an open log keeps no filters")
                .containsExactly(new LogRange(0, log.length, 0));
        store.seal(j);
        List<LogRange> none = store.rangesThatMayContain(j, missing);
        long candidateBytes = none.stream().mapToLong(LogRange::length).sum();
        assertThat(candidateBytes).as("a string the log lacks leaves out most of it: %s", none).isLessThan(log.length / 5);
        assertThat(store.search(j, new String(missing, StandardCharsets.US_ASCII), SearchOptions.defaults()).toList()).isEmpty();
        assertThat(store.rangesThatMayContain(j, "ok".getBytes(StandardCharsets.US_ASCII))).as("too short to filter")
                .containsExactly(new LogRange(0, log.length, 0));

        Random random = new Random(32);
        for (int n = 0; n < 60; n++) {
            int length = 3 + random.nextInt(25);
            int at = random.nextInt(log.length - length);
            byte[] literal = Arrays.copyOfRange(log, at, at + length);
            boolean newline = false;
            for (byte b : literal) {
                newline |= b == '\n';
            }
            if (newline) {
                continue;
            }
            boolean ignoreCase = random.nextBoolean();
            if (ignoreCase) {
                for (int i = 0; i < literal.length; i++) {
                    if (random.nextInt(3) == 0 && Character.isLetter(literal[i])) {
                        literal[i] ^= 0x20;
                    }
                }
            }
            int context = random.nextInt(3);
            String pattern = new String(literal, StandardCharsets.ISO_8859_1);
            if (!pattern.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
                continue; // the pattern is text; the log's other bytes are covered by the open-log searches
            }
            SearchOptions options = SearchOptions.defaults().withFixedStrings(true).withIgnoreCase(ignoreCase)
                    .withContext(context);
            List<SearchMatch> found = store.search(j, pattern, options).toList();
            assertThat(found).as("-F%s -C%d '%s'", ignoreCase ? " -i" : "", context, pattern)
                    .isEqualTo(grepReference(log, literal, ignoreCase, context));
            assertThat(found).as("'%s' occurs where it was cut from", pattern).isNotEmpty();
        }

        // Occurrences starting one or two bytes before a frame (their trigrams all end in the next one): found by
        // looking at the bytes before a candidate range when it begins with the literal's end. A log of one repeated
        // line learns where the frames start; the same log with a token of random letters planted across each frame
        // start (same length, same chunks, so the same frames) is the one searched: the frame before holds none of
        // its token's trigrams, so only that look finds it.
        byte[] filler = new byte[1 << 20];
        byte[] line = "a filler line of the same words\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < filler.length; i++) {
            filler[i] = line[i % line.length];
        }
        JobId plain = job("filtered-search-frames");
        appendAll(store, plain, LogReference.chunk(filler, new Random(34), 4096));
        store.seal(plain);
        java.io.ByteArrayOutputStream archive = new java.io.ByteArrayOutputStream();
        store.exportArchive(plain, archive);
        dev.cinch.logs.archive.SeekableArchiveReader frames = dev.cinch.logs.archive.SeekableArchiveReader.open(
                new dev.cinch.logs.archive.ArrayByteSource(archive.toByteArray()), plain);
        byte[] planted = filler.clone();
        Random tokens = new Random(35);
        for (int f = 1; f < frames.frameCount(); f++) {
            for (int i = (int) frames.frameRawOffset(f) - 2; i < frames.frameRawOffset(f) + 10; i++) {
                planted[i] = (byte) ('a' + tokens.nextInt(26));
            }
        }
        JobId r = job("filtered-search-boundaries");
        appendAll(store, r, LogReference.chunk(planted, new Random(34), 4096));
        store.seal(r);
        int lookedBack = 0;
        for (int f = 1; f < frames.frameCount(); f++) {
            long boundary = frames.frameRawOffset(f);
            for (int back = 1; back <= 2; back++) {
                byte[] literal = Arrays.copyOfRange(planted, (int) boundary - back, (int) boundary - back + 10);
                String pattern = new String(literal, StandardCharsets.US_ASCII);
                assertThat(store.search(r, pattern, SearchOptions.defaults().withFixedStrings(true)).toList())
                        .as("-F '%s', %d bytes before frame %d", pattern, back, f)
                        .isEqualTo(grepReference(planted, literal, false, 0));
                if (store.rangesThatMayContain(r, literal).stream().anyMatch(x -> x.offset() == boundary)) {
                    lookedBack++;
                }
            }
        }
        assertThat(lookedBack).as("literals cut across a frame start whose frame before is no candidate").isPositive();
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
            assertThatThrownBy(() -> store.readLines(j, 1, 1)).as("sealed %s", sealed)
                    .isInstanceOf(InvalidRangeException.class).hasMessageContaining("huge-line")
                    .hasMessageContaining("line 1 at offset 0");
            assertThat(store.readLines(j, 2, 1)).as("one past the only line").isEmpty();
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
        assertThatThrownBy(() -> store.readLines(j, 1, 1)).isInstanceOf(LogNotFoundException.class);
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

    /**
     * ADR 0009: a line read of an open log costs what the answer holds, wherever the lines are. Counted on the storage:
     * reading 50 lines near the end (and in the middle) of a 400-chunk open log fetches a handful of chunks and
     * O(log chunks) index look-ups, where a scan from the first chunk would fetch all 400.
     */
    @Test
    void readLinesOfAnOpenLogFetchesWhatTheAnswerHolds(TestInfo info) throws Exception {
        require(Capability.OPEN_STORAGE, info);
        CountingStorage counting = new CountingStorage(openStorage());
        LogStore s = new StorageBackedLogStore(StoreOptions.defaults("counted"), counting);
        try {
            JobId j = job("lines-cost");
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            int chunks = 400;
            int linesPerChunk = 200;
            List<LogChunk> batch = new ArrayList<>();
            for (int c = 0; c < chunks; c++) {
                StringBuilder b = new StringBuilder();
                for (int l = 0; l < linesPerChunk; l++) {
                    b.append(String.format("chunk %05d line %03d of a long running build%n", c, l));
                }
                if (c % 7 == 3) {
                    b.setLength(b.length() - 5); // a line split across chunks
                }
                LogChunk chunk = chunk(c, b.toString());
                batch.add(chunk);
                all.write(chunk.data(), 0, chunk.data().length);
            }
            appendAll(s, j, batch);
            byte[] bytes = all.toByteArray();
            long lines = countLines(bytes);
            for (long from : new long[] {lines - 49, lines / 2, 2}) {
                counting.reset();
                byte[] got = s.readLines(j, from, 50);
                assertThat(got).as("lines %d+50", from).isEqualTo(LogReference.lines(bytes, from, 50));
                assertThat(counting.chunksRead.get()).as("chunks fetched for lines %d+50 of %d chunks", from, chunks)
                        .isLessThanOrEqualTo(10);
                assertThat(counting.lookups.get()).as("index look-ups for lines %d+50", from).isLessThanOrEqualTo(40);
            }
            // A restart (the writer's recovery reads the counts back) keeps the cost.
            s.close();
            counting = new CountingStorage(openStorage());
            s = new StorageBackedLogStore(StoreOptions.defaults("counted"), counting);
            s.append(j, chunk(chunks, "after the restart\n"));
            all.write("after the restart\n".getBytes(StandardCharsets.UTF_8));
            bytes = all.toByteArray();
            counting.reset();
            assertThat(s.readLines(j, lines - 10, 20)).isEqualTo(LogReference.lines(bytes, lines - 10, 20));
            assertThat(counting.chunksRead.get()).as("chunks fetched after a restart").isLessThanOrEqualTo(10);
            // Empty chunks at the end: one past the last line is still the end, and further is still beyond it.
            s.append(j, chunk(chunks + 1, "no newline at the end"));
            s.append(j, chunk(chunks + 2, ""));
            s.append(j, chunk(chunks + 3, ""));
            long last = lines + 2; // the restart's line, then this one
            assertThat(s.readLines(j, last, 5)).asString().isEqualTo("no newline at the end");
            assertThat(s.readLines(j, last + 1, 5)).isEmpty();
            LogStore finalStore = s;
            assertThatThrownBy(() -> finalStore.readLines(j, last + 2, 1)).isInstanceOf(LinesBeyondEndException.class)
                    .hasMessageContaining("(" + last + " lines)");
        } finally {
            s.close();
        }
    }

    @Test
    void corpusLogsRoundTripByteExactBeforeAndAfterSeal() {
        Random rnd = new Random(42);
        for (Corpus.Log log : corpus()) {
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
                long lines = countLines(log.bytes());
                for (int i = 0; i < 10; i++) {
                    long first = 1 + (long) rnd.nextInt((int) Math.min(Integer.MAX_VALUE - 2, lines + 1));
                    int count = rnd.nextInt(2_000);
                    byte[] expected = LogReference.lines(log.bytes(), first, count);
                    if (expected.length <= LogStore.MAX_READ_BYTES) {
                        assertThat(store.readLines(j, first, count)).as("%s lines %d+%d", what, first, count).isEqualTo(expected);
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
        assertThat(store.list(ns + "del-", null, 100).jobs()).isEmpty();
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
            JobPage page = store.list(ns + "list-", after, 10);
            page.jobs().forEach(id -> seen.add(id.value().substring(ns.length())));
            after = page.nextStartAfter().orElse(null);
            pages++;
        } while (after != null && pages < 10);
        assertThat(seen).containsExactlyElementsOf(ids.subList(0, 25));
        assertThat(pages).isEqualTo(3);
        assertThat(store.list(ns, null, 1000).jobs()).hasSize(26);
        assertThat(store.list(ns + "zzz", null, 10).jobs()).isEmpty();
        assertThat(store.list(ns + "list-2", job("list-21"), 10).jobs()).extracting(JobId::value)
                .containsExactly(ns + "list-22", ns + "list-23", ns + "list-24");
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
        for (Corpus.Log log : corpus()) {
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
        int jobs = scaled(200, 16);
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
        assertThat(store.list(ns + "concurrent-", null, 1000).jobs()).hasSize(jobs);
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
                    byte[] firstLines = store.readLines(j, 1, 3);
                    byte[] allFirstLines = LogReference.lines(log, 1, 3);
                    if (!Arrays.equals(firstLines, Arrays.copyOf(allFirstLines, firstLines.length))) {
                        problems.add("the first lines are not those of a prefix (" + firstLines.length + " bytes)");
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
        assertThat(store.list(ns, null, 10).jobs()).isEmpty();
    }

    // ---- SPI promises made explicit ----------------------------------------------------------------------------

    @Test
    void retryThatDiffersOnlyInTimestampIsADuplicate() {
        JobId j = job("retry-ts");
        store.append(j, new LogChunk(0, LogStream.STDOUT, 100, "a".getBytes(StandardCharsets.UTF_8)));
        store.append(j, new LogChunk(1, LogStream.STDOUT, 200, "b".getBytes(StandardCharsets.UTF_8)));
        // A worker that re-stamps its retry: the same chunk, so a no-op; the first timestamp stays.
        store.append(j, new LogChunk(1, LogStream.STDOUT, 999, "b".getBytes(StandardCharsets.UTF_8)));
        store.append(j, new LogChunk(0, LogStream.STDOUT, 5, "a".getBytes(StandardCharsets.UTF_8)));
        for (boolean sealed : new boolean[] {false, true}) {
            if (sealed) {
                store.seal(j);
            }
            assertThat(store.readChunks(j, 0, 10)).extracting(LogChunk::timestampMillis).containsExactly(100L, 200L);
            assertThat(store.stat(j).lastTimestampMillis()).isEqualTo(200);
            assertThat(store.stat(j).chunks()).isEqualTo(2);
        }
    }

    @Test
    @Timeout(120)
    void pagesOfChunksStopAtTheByteBound() {
        JobId j = job("page-bytes");
        int perPage = LogStore.MAX_PAGE_BYTES / LogStore.MAX_CHUNK_BYTES;
        for (int i = 0; i <= perPage; i++) {
            byte[] big = new byte[LogStore.MAX_CHUNK_BYTES];
            Arrays.fill(big, (byte) ('a' + i));
            store.append(j, new LogChunk(i, LogStream.STDOUT, i, big));
        }
        store.append(j, chunk(perPage + 1, "tail\n"));
        for (boolean sealed : new boolean[] {false, true}) {
            if (sealed) {
                store.seal(j);
            }
            List<LogChunk> first = store.readChunks(j, 0, LogStore.MAX_PAGE_CHUNKS);
            assertThat(first).as("sealed %s", sealed).hasSize(perPage);
            assertThat(first.stream().mapToLong(LogChunk::length).sum()).isLessThanOrEqualTo(LogStore.MAX_PAGE_BYTES);
            List<LogChunk> next = store.readChunks(j, perPage, LogStore.MAX_PAGE_CHUNKS);
            assertThat(next).extracting(LogChunk::seq).containsExactly((long) perPage, perPage + 1L);
            assertThat(next.get(0).data()[0]).isEqualTo((byte) ('a' + perPage));
        }
    }

    @Test
    void statOfEmptyOpenAndSealedLogs() {
        JobId empty = job("stat-empty");
        try (LogWriter w = store.openWriter(empty)) {
            assertThat(w.nextSeq()).isZero();
        }
        LogStat open = store.stat(empty);
        assertThat(open.chunks()).isZero();
        assertThat(open.rawBytes()).isZero();
        assertThat(open.crc32c()).isZero();
        assertThat(open.lastTimestampMillis()).isZero();
        assertThat(open.sealed()).isFalse();
        assertThat(open.status()).isEqualTo(LogStatus.OPEN);
        assertThat(store.readRange(empty, 0, 10)).isEmpty();
        assertThat(store.readTailLines(empty, 3)).isEmpty();
        store.seal(empty);
        LogStat sealed = store.stat(empty);
        assertThat(sealed.sealed()).isTrue();
        assertThat(sealed.chunks()).isZero();
        assertThat(sealed.lastTimestampMillis()).isZero();

        JobId full = job("stat-full");
        appendAll(store, full, List.of(new LogChunk(0, LogStream.STDOUT, 1_000, new byte[] {'a'}),
                new LogChunk(1, LogStream.STDERR, 5_000, new byte[] {'b', '\n'})));
        LogStat before = store.stat(full);
        store.seal(full);
        LogStat after = store.stat(full);
        assertThat(before.status()).isEqualTo(LogStatus.OPEN);
        assertThat(after.status()).as("a log the job sealed itself is complete").isEqualTo(LogStatus.COMPLETE);
        for (LogStat st : List.of(before, after)) {
            assertThat(st.receivedBytes()).as("nothing dropped: received is what is stored").isEqualTo(3);
            assertThat(st.elided()).isEmpty();
            assertThat(st.chunks()).isEqualTo(2);
            assertThat(st.rawBytes()).isEqualTo(3);
            assertThat(st.lastTimestampMillis()).isEqualTo(5_000);
            assertThat(st.crc32c()).isEqualTo(crc(new byte[] {'a', 'b', '\n'}));
            assertThat(st.tier()).isEqualTo(tierOf(store, st.sealed()));
            assertThat(st.storedBytes()).isPositive();
        }
        assertThat(after.sealed()).isTrue();
        assertThat(reopen().stat(full)).isEqualTo(after);
    }

    @Test
    void afterCloseEveryCallIsRefusedBeforeItsArgumentsAreChecked() {
        JobId j = job("closed-first");
        store.append(j, chunk(0, "a"));
        store.close();
        List<Runnable> calls = List.of(
                () -> store.append(j, new LogChunk(5, LogStream.STDOUT, -1, new byte[LogStore.MAX_CHUNK_BYTES + 1])),
                () -> store.openWriter(j),
                () -> store.seal(j),
                () -> store.readChunks(j, -1, 0),
                () -> store.readRange(j, -1, -1),
                () -> store.readTailLines(j, -1),
                () -> store.stat(j),
                () -> store.exists(j),
                () -> store.follow(j, -1),
                () -> store.delete(j),
                () -> store.list("../", null, 0),
                () -> store.exportArchive(j, new ByteArrayOutputStream()),
                () -> store.importArchive(j, new ByteArrayInputStream(new byte[] {1, 2, 3})));
        for (int i = 0; i < calls.size(); i++) {
            assertThatThrownBy(calls.get(i)::run).as("call %d after close", i).isInstanceOf(LogStoreClosedException.class)
                    .hasMessageContaining("closed");
        }
        assertThat(readAll(reopen(), j)).asString().isEqualTo("a");
    }

    @Test
    void providerIsFoundByNameAndUnknownKeysAreRefused() {
        CinchConfig config = storeConfig();
        String provider = config.logStore();
        assertThat(LogStores.fromClassPath().names()).contains(provider);
        String typo = provider + ".no-such-setting";
        assertThatThrownBy(() -> LogStores.fromClassPath().open(config.with(typo, "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(typo).hasMessageContaining("unknown key");
    }

    // ---- writer role and sessions --------------------------------------------------------------------------

    @Test
    void writerSessionCreatesTheLogTakesSeqsInOrderAndIsExclusive() {
        JobId j = job("session");
        try (LogWriter w = store.openWriter(j)) {
            assertThat(store.exists(j)).as("a started job has a log").isTrue();
            assertThat(store.readRange(j, 0, 10)).isEmpty();
            assertThatThrownBy(() -> store.openWriter(j)).isInstanceOf(LogLockedException.class)
                    .hasMessageContaining(j.value());
            byte[] hello = "hello\n".getBytes(StandardCharsets.UTF_8);
            w.append(LogStream.STDOUT, 1, hello, 0, hello.length);
            w.append(LogStream.STDERR, 2, hello, 1, 3);
            assertThat(w.nextSeq()).isEqualTo(2);
        }
        try (LogWriter again = store.openWriter(j)) {
            assertThat(again.nextSeq()).as("a new session continues where the log ends").isEqualTo(2);
        }
        assertThat(readAll(store, j)).asString().isEqualTo("hello\nell");
        store.seal(j);
        assertThatThrownBy(() -> store.openWriter(j)).isInstanceOf(LogSealedException.class).hasMessageContaining(j.value());
    }

    @Test
    void aSecondInstanceCannotWriteWhileTheFirstHoldsTheWriterRole() {
        JobId j = job("two-writers");
        store.append(j, chunk(0, "a\n"));
        LogStore other = reopen();
        assertThatThrownBy(() -> other.append(j, chunk(1, "b\n"))).isInstanceOf(LogLockedException.class)
                .hasMessageContaining(j.value());
        assertThatThrownBy(() -> other.openWriter(j)).isInstanceOf(LogLockedException.class);
        assertThat(readAll(other, j)).asString().isEqualTo("a\n");
        store.append(j, chunk(1, "b\n"));
        store.close(); // gives the role back
        other.append(j, chunk(2, "c\n"));
        assertThat(readAll(other, j)).asString().isEqualTo("a\nb\nc\n");
    }

    @Test
    void aWriterWhoseRoleWasTakenIsToldSoOverwritesNothingAndCanWriteAgain(TestInfo info) throws Exception {
        JobId j = job("role-lost");
        store.append(j, chunk(0, "a\n"));
        LogStore other = reopen();
        if (!canLoseWriterRole()) {
            // This backend's role (a file lock, a row lock) cannot be taken from a live holder: the other instance is
            // refused until the holder lets go, and then writes after what the holder stored.
            assertThatThrownBy(() -> other.append(j, chunk(1, "x\n"))).isInstanceOf(LogLockedException.class)
                    .hasMessageContaining(j.value());
            store.close();
            other.append(j, chunk(1, "b\n"));
            assertThat(readAll(other, j)).asString().isEqualTo("a\nb\n");
            return;
        }
        loseWriterRole(j);
        other.append(j, chunk(1, "b\n")); // the other instance takes the free role and writes seq 1
        assertThatThrownBy(() -> store.append(j, chunk(1, "x\n"))).isInstanceOf(LogLockedException.class)
                .hasMessageContaining(j.value());
        assertThat(readAll(other, j)).asString().isEqualTo("a\nb\n");
        other.close(); // gives the role back: the first store is not stuck with its lost role
        store.append(j, chunk(1, "b\n")); // an identical retry of what is stored
        store.append(j, chunk(2, "c\n"));
        assertThat(readAll(store, j)).asString().isEqualTo("a\nb\nc\n");
        assertThat(readAll(reopen(), j)).asString().isEqualTo("a\nb\nc\n");
    }

    @Test
    @Timeout(120)
    void aWriterInOneInstanceIsReadAndFollowedFromAnother() throws Exception {
        JobId j = job("shared");
        List<LogChunk> chunks = LogReference.chunk(Corpus.generated().get(0).bytes(), new Random(31), 4096);
        LogStore reader = reopen(); // a second server instance over the same storage
        try (LogFollower follower = reader.follow(j, 0)) {
            Thread writer = new Thread(() -> {
                for (LogChunk c : chunks) {
                    store.append(j, c);
                    if (c.seq() % 40 == 0) {
                        sleep(3);
                    }
                }
                store.seal(j);
            });
            writer.start();
            List<LogChunk> got = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!follower.isFinished() && System.nanoTime() < deadline) {
                got.addAll(follower.poll(Duration.ofSeconds(5)));
                LogStat seen = reader.stat(j);
                byte[] prefix = reader.readRange(j, 0, (int) Math.min(seen.rawBytes(), 1 << 20));
                assertThat(prefix).isEqualTo(Arrays.copyOf(LogReference.concat(chunks), prefix.length));
            }
            writer.join();
            assertThat(follower.isFinished()).isTrue();
            assertThat(got).isEqualTo(chunks);
        }
        assertThat(reader.stat(j).sealed()).isTrue();
        assertThat(readAllChunks(reader, j)).isEqualTo(chunks);
    }

    /**
     * A follower in another store instance over the same storage (another server process) is woken by the change
     * signal of that medium (inotify, a database notification or bounded poll), not by the safety re-check, and sees
     * the seal.
     */
    @Test
    @Timeout(60)
    void aFollowerInAnotherInstanceWakesPromptlyOnAppendAndSeal() throws Exception {
        JobId j = job("follow-other-instance");
        store.append(j, chunk(0, "first\n"));
        LogStore other = reopen();
        try (LogFollower follower = other.follow(j, 1)) {
            assertThat(follower.poll(Duration.ofMillis(50))).isEmpty();
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                for (int seq = 1; seq <= 3; seq++) {
                    CountDownLatch waiting = new CountDownLatch(1);
                    Future<List<LogChunk>> next = pool.submit(() -> {
                        waiting.countDown();
                        return follower.poll(Duration.ofSeconds(20));
                    });
                    waiting.await();
                    sleep(100);
                    long appended = System.nanoTime();
                    store.append(j, chunk(seq, "line " + seq + "\n"));
                    List<LogChunk> got = next.get(20, TimeUnit.SECONDS);
                    long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - appended);
                    assertThat(got).containsExactly(chunk(seq, "line " + seq + "\n"));
                    assertThat(latencyMs).as("cross-instance follow wake-up latency ms").isLessThan(ChangeFeedLimits.WAKE_MS);
                }
                store.seal(j);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!follower.isFinished() && System.nanoTime() < deadline) {
                    assertThat(follower.poll(Duration.ofSeconds(5))).isEmpty();
                }
                assertThat(follower.isFinished()).as("the follower in the other instance saw the seal").isTrue();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    // ---- archive hand-off, more --------------------------------------------------------------------------------

    /** An archive of {@code chunks} written directly, with {@code options} (as another tier might). */
    private static byte[] archiveOf(List<LogChunk> chunks, ArchiveOptions options) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SeekableArchiveWriter w = new SeekableArchiveWriter(out, options)) {
            for (LogChunk c : chunks) {
                w.addChunk(c.stream(), c.timestampMillis(), c.data());
            }
            w.finish();
        }
        return out.toByteArray();
    }

    @Test
    void importOverAnOpenLogIsAConflictAndLeavesItAlone() throws Exception {
        JobId j = job("import-over-open");
        List<LogChunk> chunks = List.of(chunk(0, "one\n"), chunk(1, "two\n"));
        appendAll(store, j, chunks);
        byte[] archive = archiveOf(chunks, ArchiveOptions.defaults());
        assertThatThrownBy(() -> store.importArchive(j, new ByteArrayInputStream(archive)))
                .isInstanceOf(ChunkConflictException.class).hasMessageContaining(j.value()).hasMessageContaining("open");
        assertThat(store.stat(j).sealed()).isFalse();
        store.append(j, chunk(2, "three\n"));
        assertThat(readAll(store, j)).asString().isEqualTo("one\ntwo\nthree\n");
    }

    @Test
    void importTakesArchivesOfOtherOptionsAndTheSameLogAgainIsANoOp() throws Exception {
        List<LogChunk> chunks = LogReference.chunk(Corpus.generated().get(3).bytes(), new Random(17), 8192);
        byte[] foreign = archiveOf(chunks, new ArchiveOptions(ArchiveOptions.MIN_FRAME_RAW_BYTES, 1));
        JobId j = job("import-foreign");
        store.importArchive(j, new ByteArrayInputStream(foreign));
        assertThat(readAllChunks(store, j)).isEqualTo(chunks);
        assertThat(readAll(store, j)).isEqualTo(LogReference.concat(chunks));
        assertThat(store.readTailLines(j, 7)).isEqualTo(LogReference.tail(LogReference.concat(chunks), 7));
        assertThat(store.stat(j).lastTimestampMillis()).isEqualTo(chunks.get(chunks.size() - 1).timestampMillis());

        // The same log archived by this store (other frames, other level): the same content, so a no-op.
        JobId native_ = job("import-native");
        appendAll(store, native_, chunks);
        store.seal(native_);
        ByteArrayOutputStream own = new ByteArrayOutputStream();
        store.exportArchive(native_, own);
        store.importArchive(j, new ByteArrayInputStream(own.toByteArray()));
        assertThat(readAllChunks(store, j)).isEqualTo(chunks);

        // export(import(x)) is again the same log, wherever it is imported next.
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        store.exportArchive(j, again);
        JobId third = job("import-third");
        reopen().importArchive(third, new ByteArrayInputStream(again.toByteArray()));
        assertThat(readAllChunks(store, third)).isEqualTo(chunks);
        assertThat(store.stat(third).crc32c()).isEqualTo(store.stat(native_).crc32c());
    }

    @Test
    void importOfAnEmptySealedLogAndAppendAfterImportIsRefused() throws Exception {
        JobId empty = job("import-empty");
        store.importArchive(empty, new ByteArrayInputStream(archiveOf(List.of(), ArchiveOptions.defaults())));
        LogStat st = store.stat(empty);
        assertThat(st.sealed()).isTrue();
        assertThat(st.chunks()).isZero();
        assertThat(st.rawBytes()).isZero();
        assertThat(store.readChunks(empty, 0, 10)).isEmpty();
        assertThat(store.readTailLines(empty, 5)).isEmpty();
        assertThatThrownBy(() -> store.append(empty, chunk(0, "late"))).isInstanceOf(LogSealedException.class);

        JobId full = job("import-then-append");
        store.importArchive(full, new ByteArrayInputStream(archiveOf(List.of(chunk(0, "x\n")), ArchiveOptions.defaults())));
        assertThatThrownBy(() -> store.append(full, chunk(1, "y\n"))).isInstanceOf(LogSealedException.class)
                .hasMessageContaining(full.value());
        assertThatThrownBy(() -> store.append(full, chunk(0, "x\n"))).isInstanceOf(LogSealedException.class);
        assertThat(readAll(store, full)).asString().isEqualTo("x\n");
    }

    // ---- delete races ------------------------------------------------------------------------------------------

    /** The deterministic chunk {@code seq} of the delete-race log: any surviving prefix can be checked. */
    private static LogChunk raceChunk(long seq) {
        return new LogChunk(seq, LogStream.STDOUT, seq, ("chunk " + seq + " " + "x".repeat((int) (seq % 50)) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(120)
    void deleteRacingAnAppenderAndASealLeavesNothingHalfDone() throws Exception {
        for (int round = 0; round < scaled(10, 3); round++) {
            JobId j = job("race-" + round);
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            Thread appender = new Thread(() -> {
                long seq = 0;
                while (!stop.get()) {
                    try {
                        store.append(j, raceChunk(seq));
                        seq++;
                    } catch (SequenceGapException e) {
                        seq = e.expectedSeq(); // deleted under us: start the log again
                    } catch (LogSealedException e) {
                        return;
                    } catch (Throwable t) {
                        unexpected.add(t);
                        return;
                    }
                }
            });
            Thread sealer = new Thread(() -> {
                sleep(20 + ThreadLocalRandom.current().nextInt(30));
                try {
                    store.seal(j);
                } catch (Throwable t) {
                    unexpected.add(t);
                }
            });
            appender.start();
            sealer.start();
            for (int d = 0; d < 5; d++) {
                sleep(ThreadLocalRandom.current().nextInt(15));
                store.delete(j);
            }
            sealer.join();
            stop.set(true);
            appender.join();
            assertThat(unexpected).as("round %d", round).isEmpty();
            if (store.exists(j)) {
                LogStat st = store.stat(j);
                List<LogChunk> all = readAllChunks(store, j);
                assertThat(all).hasSize((int) st.chunks());
                for (LogChunk c : all) {
                    assertThat(c).isEqualTo(raceChunk(c.seq()));
                }
                assertThat(crc(LogReference.concat(all))).isEqualTo(st.crc32c());
                assertThat(readAll(store, j)).isEqualTo(LogReference.concat(all));
            }
            store.delete(j);
            assertThat(store.exists(j)).isFalse();
            assertThat(reopen().exists(j)).isFalse();
        }
        assertThat(store.list(ns + "race-", null, 100).jobs()).isEmpty();
    }

    // ---- damage: reads never return wrong bytes and never a shorter log --------------------------------------------

    private List<LogChunk> damageableLog(JobId j) {
        List<LogChunk> chunks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            chunks.add(chunk(i, "line " + i + " " + "abcdefgh".repeat(8 + i) + "\n"));
        }
        appendAll(store, j, chunks);
        store.close(); // nobody writes the log while the backend damages it
        return chunks;
    }

    @Test
    void aDamagedMiddleChunkFailsEveryReadCoveringItAndNoOther(TestInfo info) throws Exception {
        require(Capability.DAMAGE_CHUNK, info);
        JobId j = job("damaged-middle");
        List<LogChunk> chunks = damageableLog(j);
        byte[] log = LogReference.concat(chunks);
        damageChunk(j, 10);
        LogStore s = reopen();
        LogStat st = s.stat(j);
        assertThat(st.chunks()).isEqualTo(20);
        assertThat(st.rawBytes()).isEqualTo(log.length);
        long start10 = LogReference.concat(chunks.subList(0, 10)).length;
        assertThatThrownBy(() -> s.readRange(j, 0, log.length)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining(j.value()).hasMessageContaining("seq 10");
        assertThatThrownBy(() -> s.readRange(j, start10 + 3, 5)).isInstanceOf(CorruptLogException.class).hasMessageContaining("seq 10");
        assertThatThrownBy(() -> s.readChunks(j, 5, 10)).isInstanceOf(CorruptLogException.class).hasMessageContaining("seq 10");
        assertThatThrownBy(() -> s.readTailLines(j, 15)).isInstanceOf(CorruptLogException.class).hasMessageContaining("seq 10");
        assertThat(s.readRange(j, 0, (int) start10)).isEqualTo(Arrays.copyOf(log, (int) start10));
        assertThat(s.readChunks(j, 11, 100)).isEqualTo(chunks.subList(11, 20));
        // 8 lines start right after chunk 11's newline; 9 would need chunk 10's newline to find their start.
        assertThat(s.readTailLines(j, 8)).isEqualTo(LogReference.tail(log, 8));
        assertThatThrownBy(() -> s.seal(j)).isInstanceOf(CorruptLogException.class).hasMessageContaining("seq 10");
        assertThat(s.stat(j).sealed()).isFalse();
        LogCheck check = s.verify(j);
        assertThat(check.ok()).isFalse();
        assertThat(check.problemCount()).as("exactly the damaged chunk: %s", check.problems()).isEqualTo(1);
        assertThat(check.problems().get(0)).contains(j.value()).contains("seq 10");
        assertThat(LogStatus.check(s, j)).isEqualTo(LogStatus.damaged(check.problems().get(0)));
        assertThat(check.chunks()).isEqualTo(20);
        assertThat(check.tier()).isEqualTo(tierOf(s, false));
    }

    @Test
    void aDamagedLastChunkIsReportedNeverCutOff(TestInfo info) throws Exception {
        require(Capability.DAMAGE_CHUNK, info);
        JobId j = job("damaged-last");
        List<LogChunk> chunks = damageableLog(j);
        byte[] log = LogReference.concat(chunks);
        damageChunk(j, 19);
        LogStore s = reopen();
        for (int pass = 0; pass < 2; pass++) { // reading twice: the first read must not have "repaired" anything
            LogStat st = s.stat(j);
            assertThat(st.chunks()).as("stat agrees with what is stored").isEqualTo(20);
            assertThat(st.rawBytes()).isEqualTo(log.length);
            assertThatThrownBy(() -> s.readRange(j, 0, log.length)).isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining(j.value()).hasMessageContaining("seq 19");
            assertThatThrownBy(() -> s.readTailLines(j, 1)).isInstanceOf(CorruptLogException.class).hasMessageContaining("seq 19");
            assertThatThrownBy(() -> s.readChunks(j, 0, 100)).isInstanceOf(CorruptLogException.class).hasMessageContaining("seq 19");
            assertThat(s.readChunks(j, 0, 19)).isEqualTo(chunks.subList(0, 19));
            LogCheck check = s.verify(j);
            assertThat(check.problemCount()).as("%s", check.problems()).isEqualTo(1);
            assertThat(check.problems().get(0)).contains(j.value()).contains("seq 19");
        }
    }

    @Test
    void aDamagedIndexIsReadAroundOrReportedNeverAShorterLog(TestInfo info) throws Exception {
        require(Capability.DAMAGE_INDEX, info);
        for (long damaged : new long[] {10, 19}) {
            JobId j = job("damaged-index-" + damaged);
            store = reopen();
            List<LogChunk> chunks = damageableLog(j);
            byte[] log = LogReference.concat(chunks);
            damageIndex(j, damaged);
            LogStore s = reopen();
            for (int pass = 0; pass < 2; pass++) {
                expectRightOrCorrupt(j, () -> {
                    LogStat st = s.stat(j);
                    assertThat(st.chunks()).isEqualTo(20);
                    assertThat(st.rawBytes()).isEqualTo(log.length);
                    assertThat(st.crc32c()).isEqualTo(crc(log));
                });
                expectRightOrCorrupt(j, () -> assertThat(s.readRange(j, 0, log.length)).isEqualTo(log));
                expectRightOrCorrupt(j, () -> assertThat(readAllChunks(s, j)).isEqualTo(chunks));
                expectRightOrCorrupt(j, () -> assertThat(s.readTailLines(j, 3)).isEqualTo(LogReference.tail(log, 3)));
                expectRightOrCorrupt(j, () -> assertThat(s.readChunks(j, damaged, 1)).isEqualTo(chunks.subList((int) damaged, (int) damaged + 1)));
                // verify either reads around the damage (then it passes the whole log) or reports it, naming the
                // job; it never passes a shorter log
                LogCheck check = s.verify(j);
                if (check.ok()) {
                    assertThat(check.chunks()).isEqualTo(20);
                    assertThat(check.rawBytes()).isEqualTo(log.length);
                } else {
                    assertThat(check.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).contains(j.value()));
                }
            }
        }
    }

    private static void expectRightOrCorrupt(JobId j, Runnable check) {
        try {
            check.run();
        } catch (CorruptLogException e) {
            assertThat(e).hasMessageContaining(j.value());
        }
    }

    @Test
    void aDamagedArchiveFailsReadsAndExport(TestInfo info) throws Exception {
        require(Capability.DAMAGE_ARCHIVE, info);
        JobId j = job("damaged-archive");
        List<LogChunk> chunks = LogReference.chunk(Corpus.generated().get(0).bytes(), new Random(77), 4096);
        appendAll(store, j, chunks);
        store.seal(j);
        store.close();
        damageArchive(j);
        LogStore s = reopen();
        assertThatThrownBy(() -> readAll(s, j)).isInstanceOf(CorruptLogException.class).hasMessageContaining(j.value());
        assertThatThrownBy(() -> readAllChunks(s, j)).isInstanceOf(CorruptLogException.class).hasMessageContaining(j.value());
        assertThatThrownBy(() -> s.exportArchive(j, new ByteArrayOutputStream())).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining(j.value()).hasMessageContaining("archive byte");
        LogCheck check = s.verify(j);
        assertThat(check.ok()).isFalse();
        assertThat(check.sealed()).isTrue();
        assertThat(check.problems()).singleElement().asString().contains(j.value()).contains("archive byte");
        // The recorded status cannot see the damage; the status read back names where it is.
        assertThat(s.stat(j).status()).isEqualTo(LogStatus.COMPLETE);
        LogStatus checked = LogStatus.check(s, j);
        assertThat(checked.kind()).isEqualTo(LogStatus.Kind.DAMAGED);
        assertThat(checked.detail()).contains(j.value()).contains("archive byte");
    }

    @Test
    void verifyPassesHealthyLogsOpenAndSealedAndRefusesMissingOnes() {
        JobId j = job("verify-healthy");
        List<LogChunk> chunks = LogReference.chunk(Corpus.generated().get(0).bytes(), new Random(5), 4096);
        appendAll(store, j, chunks);
        byte[] log = LogReference.concat(chunks);
        LogCheck open = store.verify(j);
        assertThat(open).isEqualTo(new LogCheck(j, tierOf(store, false), false, chunks.size(), log.length, List.of(), 0));
        assertThat(LogStatus.check(store, j)).isEqualTo(LogStatus.OPEN);
        store.seal(j);
        assertThat(LogStatus.check(store, j)).isEqualTo(LogStatus.COMPLETE);
        LogCheck sealed = store.verify(j);
        assertThat(sealed).isEqualTo(new LogCheck(j, tierOf(store, true), true, chunks.size(), log.length, List.of(), 0));
        JobId empty = job("verify-empty");
        store.seal(empty);
        assertThat(store.verify(empty).ok()).isTrue();
        assertThatThrownBy(() -> store.verify(job("verify-missing"))).isInstanceOf(LogNotFoundException.class)
                .hasMessageContaining("verify-missing");
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
