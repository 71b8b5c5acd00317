package dev.cinch.logs.text;

import dev.cinch.logs.InvalidPatternException;
import dev.cinch.logs.InvalidRangeException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.SearchBudgetExceededException;
import dev.cinch.logs.testkit.CiLogGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** {@link LogSearch} over a log in a plain file, with small pieces so that lines straddle reads. */
class LogSearchTest {
    private static final JobId JOB = JobId.of("search-job");
    private static final SearchOptions REGEX = SearchOptions.defaults();
    private static final SearchOptions FIXED = SearchOptions.defaults().withFixedStrings(true);

    @TempDir
    Path dir;

    private OneFileLogStore store(byte[] log) throws IOException {
        Path file = Files.createTempFile(dir, "log", ".log");
        Files.write(file, log);
        return new OneFileLogStore(JOB, file);
    }

    private List<SearchMatch> search(byte[] log, String pattern, SearchOptions options, int piece) throws IOException {
        try (Stream<SearchMatch> s = LogSearch.search(store(log), JOB, pattern, options, piece)) {
            return s.toList();
        }
    }

    /** What grep -n prints for these lines ({@code --} between groups only when context was asked for). */
    private static String grepN(List<SearchMatch> lines, boolean separators) {
        StringBuilder sb = new StringBuilder();
        for (SearchMatch m : lines) {
            if (separators && m.gapBefore()) {
                sb.append("--\n");
            }
            sb.append(m.lineNumber()).append(m.match() ? ':' : '-')
                    .append(new String(m.line(), StandardCharsets.ISO_8859_1)).append('\n');
        }
        return sb.toString();
    }

    /** Runs the search at every piece size from 1 to past the log's length, checks all agree, returns grep -n's output. */
    private String atEveryPieceSize(String log, String pattern, SearchOptions options) throws IOException {
        return atEveryPieceSize(log.getBytes(StandardCharsets.UTF_8), pattern, options);
    }

    private String atEveryPieceSize(byte[] log, String pattern, SearchOptions options) throws IOException {
        OneFileLogStore store = store(log);
        String whole = grepN(LogSearch.search(store, JOB, pattern, options, LogSearch.PIECE_BYTES).toList(), options.context() > 0);
        for (int piece = 1; piece <= log.length + 1; piece++) {
            assertThat(grepN(LogSearch.search(store, JOB, pattern, options, piece).toList(), options.context() > 0))
                    .as("pattern %s in pieces of %d bytes", pattern, piece).isEqualTo(whole);
        }
        return whole;
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void literalRegexAndIgnoreCase() throws IOException {
        String log = "[INFO] Building\nERROR: disk full\nerror: retry\nWARN a.b\nwarn aXb\n";
        assertThat(atEveryPieceSize(log, "error", REGEX)).isEqualTo("3:error: retry\n");
        assertThat(atEveryPieceSize(log, "error", REGEX.withIgnoreCase(true))).isEqualTo("2:ERROR: disk full\n3:error: retry\n");
        assertThat(atEveryPieceSize(log, "a.b", REGEX)).isEqualTo("4:WARN a.b\n5:warn aXb\n");
        assertThat(atEveryPieceSize(log, "a.b", FIXED)).isEqualTo("4:WARN a.b\n");
        assertThat(atEveryPieceSize(log, "[INFO]", FIXED)).isEqualTo("1:[INFO] Building\n");
        assertThat(atEveryPieceSize(log, "WARN A", FIXED.withIgnoreCase(true))).isEqualTo("4:WARN a.b\n5:warn aXb\n");
        assertThat(atEveryPieceSize(log, "^(ERROR|WARN)\\b", REGEX)).isEqualTo("2:ERROR: disk full\n4:WARN a.b\n");
        assertThat(atEveryPieceSize(log, "full$", REGEX)).isEqualTo("2:ERROR: disk full\n");
        assertThat(atEveryPieceSize(log, "nothing", REGEX)).isEmpty();
        assertThat(atEveryPieceSize(log, "", REGEX).lines()).hasSize(5);
    }

    @Test
    void lineNumbersAndOffsetsAreThoseOfTheLog() throws IOException {
        List<SearchMatch> found = search("ab\n\ncd\nab".getBytes(StandardCharsets.UTF_8), "b", REGEX, 3);
        assertThat(found).containsExactly(
                new SearchMatch(1, 0, latin1("ab"), true, false),
                new SearchMatch(4, 7, latin1("ab"), true, true));
    }

    @Test
    void bytesAreBytesCarriageReturnNulAndInvalidUtf8() throws IOException {
        byte[] log = {'a', '\r', 'b', '\n', 'a', 0, 'b', '\n', (byte) 0xC3, (byte) 0x28, 'x', (byte) 0xFF, '\n', 'f', 'o', 'o', '\r', '\n',
            'a', (byte) 0x85, 'b', '\n', 'e', 'n', 'd'};
        assertThat(atEveryPieceSize(log, "a.b", REGEX)).as("'.' is any byte but \\n, \\r and 0x85 included")
                .isEqualTo("1:a\rb\n2:a\0b\n5:a\u0085b\n");
        assertThat(atEveryPieceSize(log, "foo$", REGEX)).as("$ is the line's end, which is after \\r").isEmpty();
        assertThat(atEveryPieceSize(log, "foo\r$", REGEX)).isEqualTo("4:foo\r\n");
        assertThat(atEveryPieceSize(log, "\\xFF", REGEX)).as("\\xhh is the byte hh").isEqualTo("3:\u00c3(x\u00ff\n");
        assertThat(atEveryPieceSize(log, "(x", FIXED)).isEqualTo("3:\u00c3(x\u00ff\n");
        assertThat(atEveryPieceSize(log, "end", REGEX)).as("the last line, without \\n").isEqualTo("6:end\n");
        List<SearchMatch> lines = search(log, "", REGEX, 4);
        assertThat(lines).hasSize(6);
        assertThat(lines.get(2).line()).containsExactly((byte) 0xC3, (byte) 0x28, 'x', (byte) 0xFF);
        assertThat(lines.get(5).offset()).isEqualTo(22);
    }

    @Test
    void emptyLogsAndEmptyLines() throws IOException {
        assertThat(search(new byte[0], "", REGEX, 4)).isEmpty();
        assertThat(atEveryPieceSize("\n", "^$", REGEX)).as("one empty line").isEqualTo("1:\n");
        assertThat(atEveryPieceSize("\n\nx\n\n", "^$", REGEX)).isEqualTo("1:\n2:\n4:\n");
        assertThat(atEveryPieceSize("x\n", "^$", REGEX)).as("the final \\n starts no line").isEmpty();
    }

    @Test
    void nonAsciiPatternsMatchTheirUtf8Bytes() throws IOException {
        String log = "Größe: 3 → ok\nGROSSE\nüüü\nÜber\n\u00fc as latin-1: \u00fc\n";
        // the last line holds the byte 0xFC (ü in ISO-8859-1), which must not match ü (C3 BC in UTF-8)
        byte[] bytes = concat(log.getBytes(StandardCharsets.UTF_8), new byte[] {'x', (byte) 0xFC, 'x', '\n'});
        String line1 = new String("Größe: 3 → ok".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertThat(atEveryPieceSize(bytes, "→", FIXED)).isEqualTo("1:" + line1 + "\n");
        assertThat(atEveryPieceSize(bytes, "→ ok$", REGEX)).isEqualTo("1:" + line1 + "\n");
        assertThat(atEveryPieceSize(bytes, "ö", REGEX)).isEqualTo("1:" + line1 + "\n");
        assertThat(atEveryPieceSize(bytes, "^ü{3}$", REGEX)).as("a quantifier repeats the whole character")
                .isEqualTo("3:" + new String("üüü".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1) + "\n");
        assertThat(atEveryPieceSize(bytes, "\\ü+", REGEX)).as("an escaped non-ASCII character is itself").startsWith("3:").hasLineCount(2);
        assertThat(atEveryPieceSize(bytes, "über", FIXED.withIgnoreCase(true))).as("only ASCII letters fold").isEmpty();
        assertThat(atEveryPieceSize(bytes, "x\\xFCx", REGEX)).isEqualTo("6:x\u00fcx\n");
        assertThatThrownBy(() -> search(bytes, "[üö]", REGEX, 4)).isInstanceOfSatisfying(InvalidPatternException.class, e -> {
            assertThat(e.index()).isEqualTo(1);
            assertThat(e).hasMessageContaining("search-job").hasMessageContaining("character class").hasMessageContaining("(ü|ö)");
        });
        assertThat(atEveryPieceSize(bytes, "(ü|ö)", REGEX).lines()).hasSize(3);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void posixClassesInBracketsMeanWhatTheyMeanToGrep() throws IOException {
        String log = "abc\n123\n:dig\n \t\n";
        assertThat(atEveryPieceSize(log, "^[[:digit:]]+$", REGEX)).isEqualTo("2:123\n");
        assertThat(atEveryPieceSize(log, "^[^[:alpha:][:space:]]", REGEX)).isEqualTo("2:123\n3::dig\n");
        assertThat(atEveryPieceSize(log, "^[[:blank:]]+$", REGEX)).isEqualTo("4: \t\n");
        assertThat(atEveryPieceSize(log, "^[]:]", REGEX)).as("a leading ] is a member").isEqualTo("3::dig\n");
    }

    @Test
    void ansiAwareMatchesAcrossColourChangesAndDeliversTheStoredLine() throws IOException {
        String coloured = "\u001b[31merror:\u001b[0m \u001b[1mdisk\u001b(B\u001b[m full";
        String titled = "\u001b]0;build\u0007step \u001b]8;;http://x\u001b\\ok\u001b]8;;\u001b\\ 1";
        String cut = "cut \u001b[31";
        String log = coloured + "\n" + titled + "\n" + cut + "\nerror: disk full\n";
        SearchOptions ansi = REGEX.withAnsiAware(true);
        assertThat(atEveryPieceSize(log, "error: disk full", REGEX)).isEqualTo("4:error: disk full\n");
        assertThat(atEveryPieceSize(log, "error: disk full", ansi)).isEqualTo("1:" + coloured + "\n4:error: disk full\n");
        assertThat(atEveryPieceSize(log, "error: disk full", FIXED.withAnsiAware(true))).isEqualTo("1:" + coloured + "\n4:error: disk full\n");
        assertThat(atEveryPieceSize(log, "^step ok 1$", ansi)).as("OSC ended by BEL or ST").isEqualTo("2:" + titled + "\n");
        assertThat(atEveryPieceSize(log, "31m|0;build|http", ansi)).as("no sequence bytes are seen").isEmpty();
        assertThat(atEveryPieceSize(log, "\\[31$", ansi)).as("a sequence cut off by the line's end stays").isEqualTo("3:" + cut + "\n");
    }

    @Test
    void contextLinesComeInGroupsLikeGrepC() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            sb.append(i == 5 || i == 7 || i == 15 || i == 20 ? "hit " + i : "line " + i).append('\n');
        }
        String log = sb.toString();
        assertThat(atEveryPieceSize(log, "hit", REGEX.withContext(2))).isEqualTo("""
                3-line 3
                4-line 4
                5:hit 5
                6-line 6
                7:hit 7
                8-line 8
                9-line 9
                --
                13-line 13
                14-line 14
                15:hit 15
                16-line 16
                17-line 17
                18-line 18
                19-line 19
                20:hit 20
                """);
        assertThat(atEveryPieceSize(log, "hit", REGEX.withContext(1))).isEqualTo("""
                4-line 4
                5:hit 5
                6-line 6
                7:hit 7
                8-line 8
                --
                14-line 14
                15:hit 15
                16-line 16
                --
                19-line 19
                20:hit 20
                """);
        assertThat(atEveryPieceSize("a\nb\nc", "a|c", REGEX.withContext(5))).isEqualTo("1:a\n2-b\n3:c\n");
        List<SearchMatch> plain = search(log.getBytes(StandardCharsets.UTF_8), "hit", REGEX, 7);
        assertThat(plain).extracting(SearchMatch::gapBefore).containsExactly(false, true, true, true);
    }

    @Test
    void catastrophicBacktrackingIsStoppedWithATypedError() throws IOException {
        byte[] log = ("fine\n" + "a".repeat(40) + "b\n").getBytes(StandardCharsets.US_ASCII);
        OneFileLogStore store = store(log);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            // (.*a){20}$ backtracks polynomially, of degree 20: hours on this line without a budget
            List<SearchMatch> seen = new java.util.ArrayList<>();
            assertThatThrownBy(() -> LogSearch.search(store, JOB, "(.*a){20}$|fine", REGEX, 4).forEach(seen::add))
                    .isInstanceOfSatisfying(SearchBudgetExceededException.class, e -> {
                        assertThat(e.lineNumber()).isEqualTo(2);
                        assertThat(e.offset()).isEqualTo(5);
                        assertThat(e).hasMessageContaining("search-job").hasMessageContaining("line 2").hasMessageContaining("steps");
                    });
            assertThat(seen).as("lines before the costly one were delivered").hasSize(1);
            // Java's own memo of greedy group loops keeps the textbook (a+)+$ linear: it needs no budget
            assertThat(LogSearch.search(store, JOB, "(a+)+$", REGEX, 4).toList()).isEmpty();
        });
        // a smaller budget stops sooner; the steps each byte earns let an ordinary pattern through
        assertThat(search(log, "(.*a){3}x", REGEX, 4)).isEmpty();
        assertThatThrownBy(() -> search(log, "(.*a){3}x", REGEX.withStepBudget(10), 4)).isInstanceOf(SearchBudgetExceededException.class);
        assertThat(search(log, "a+b", REGEX.withStepBudget(1), 4)).hasSize(1);
    }

    @Test
    void aLeadingDotStarCostsNothing() throws IOException {
        // .*error.* on a long line without a match: quadratic for Java's engine as written, linear once the .* is dropped
        byte[] log = ("x".repeat(200_000) + "\nan error here\n" + "y".repeat(100_000)).getBytes(StandardCharsets.US_ASCII);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertThat(search(log, ".*error.*", REGEX, 1 << 16)).extracting(SearchMatch::lineNumber).containsExactly(2L);
            assertThat(search(log, ".*?.*error", REGEX, 1 << 16)).extracting(SearchMatch::lineNumber).containsExactly(2L);
        });
        assertThat(atEveryPieceSize("error\nab\n", ".*+b", REGEX)).as("a possessive .*+ keeps its meaning").isEmpty();
        assertThat(atEveryPieceSize("ab\n", ".*", REGEX)).isEqualTo("1:ab\n");
        assertThatThrownBy(() -> search(log, ".*ab(c", REGEX, 4)).isInstanceOfSatisfying(InvalidPatternException.class,
                e -> assertThat(e.index()).as("index in the pattern as given").isEqualTo(6));
    }

    @Test
    void deepRecursionOnALongLineIsATypedError() throws IOException {
        byte[] log = ("ab".repeat(200_000) + "\n").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> search(log, "^(a|b)*$", REGEX, 1 << 16))
                .isInstanceOf(SearchBudgetExceededException.class).hasMessageContaining("line 1");
        assertThat(search(log, "^[ab]*$", REGEX, 1 << 16)).as("a class repeats without recursion").hasSize(1);
    }

    @Test
    void invalidPatternsAreRefusedBeforeReading() throws IOException {
        OneFileLogStore store = store("x\n".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> LogSearch.search(store, JOB, "ab(c", REGEX))
                .isInstanceOfSatisfying(InvalidPatternException.class, e -> {
                    assertThat(e.pattern()).isEqualTo("ab(c");
                    assertThat(e.description()).isEqualTo("Unclosed group");
                    assertThat(e.index()).isEqualTo(4);
                    assertThat(e).hasMessageContaining("search-job").hasMessageContaining("ab(c").hasMessageContaining("Unclosed group");
                });
        assertThatThrownBy(() -> LogSearch.search(store, JOB, "ü(", REGEX))
                .isInstanceOfSatisfying(InvalidPatternException.class, e -> assertThat(e.index()).as("index in the pattern as given").isEqualTo(2));
        assertThatThrownBy(() -> LogSearch.search(store, JOB, "*x", REGEX))
                .isInstanceOfSatisfying(InvalidPatternException.class, e -> assertThat(e.index()).isZero());
        assertThat(store.reads).isEmpty();
        assertThat(LogSearch.search(store, JOB, "ab(c", FIXED).toList()).isEmpty();
        assertThatThrownBy(() -> LogSearch.search(store, JobId.of("other"), "x", REGEX)).isInstanceOf(LogNotFoundException.class);
    }

    @Test
    void readsPieceByPieceAndOnlyAsFarAsConsumed() throws IOException {
        byte[] log = CiLogGenerator.generate(7, 3 << 20);
        OneFileLogStore store = store(log);
        try (Stream<SearchMatch> s = LogSearch.search(store, JOB, "", REGEX)) {
            assertThat(s.findFirst()).isPresent();
        }
        assertThat(store.reads).hasSize(1);
        assertThat(store.reads.get(0)).containsExactly(0, LogSearch.PIECE_BYTES);
        store.reads.clear();
        long lines = LogSearch.search(store, JOB, "", REGEX).count();
        long newlines = 0;
        for (byte b : log) {
            newlines += b == '\n' ? 1 : 0;
        }
        assertThat(lines).isEqualTo(log[log.length - 1] == '\n' ? newlines : newlines + 1);
        assertThat(store.reads).hasSize((log.length + LogSearch.PIECE_BYTES - 1) / LogSearch.PIECE_BYTES);
        long expected = 0;
        for (long[] r : store.reads) {
            assertThat(r[0]).isEqualTo(expected);
            expected += r[1];
        }
        assertThat(expected).isEqualTo(log.length);
    }

    @Test
    void aLineLongerThanOneReadIsATypedErrorNamingItsOffset() throws IOException {
        Path file = dir.resolve("huge.log");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write("first\nsecond\n".getBytes(StandardCharsets.US_ASCII));
            f.setLength(13L + LogStore.MAX_READ_BYTES + 1); // sparse: NUL bytes, no \n
        }
        OneFileLogStore store = new OneFileLogStore(JOB, file);
        List<SearchMatch> seen = new java.util.ArrayList<>();
        assertThatThrownBy(() -> LogSearch.search(store, JOB, "i", REGEX, 8 << 20).forEach(seen::add))
                .isInstanceOf(InvalidRangeException.class)
                .hasMessageContaining("search-job").hasMessageContaining("line 3").hasMessageContaining("offset 13")
                .hasMessageContaining(String.valueOf(LogStore.MAX_READ_BYTES));
        assertThat(seen).hasSize(1);
    }

    @Test
    void theStoreOffersTheSearch() throws IOException {
        LogStore store = store("one\ntwo\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(store.search(JOB, "tw", REGEX).map(SearchMatch::lineNumber).toList()).containsExactly(2L);
    }
}
