package dev.cinch.logs.policy;

import com.github.luben.zstd.ZstdInputStream;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.text.SearchMatch;
import dev.cinch.logs.text.SearchOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Masking on reads, over a real fs store: output stored before its secrets were registered (written to the store
 * below, unmasked) is served masked on every read path, piece by piece exactly as if the whole log were masked at once
 * (every byte of an occurrence of any form becomes {@code *}, except {@code \n}), whatever the pieces.
 */
class MaskedReadsTest extends OverFsStore {
    /** The whole log masked at once: the reference every read is compared with. */
    private static byte[] maskedAtOnce(byte[] raw, List<byte[]> values) {
        List<byte[]> forms = new ArrayList<>();
        values.forEach(v -> forms.addAll(SecretForms.of(v)));
        boolean[] in = MaskingLogStoreTest.occurrences(raw, forms);
        byte[] out = raw.clone();
        for (int i = 0; i < out.length; i++) {
            if (in[i] && out[i] != '\n') {
                out[i] = MaskingLogStore.MASK;
            }
        }
        return out;
    }

    /** Secrets as the write-path test makes them, a third of them spanning lines (a key file, a certificate). */
    private static byte[] secret(SplittableRandom random) {
        byte[] v = MaskingLogStoreTest.randomSecret(random);
        if (random.nextInt(3) == 0) {
            for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                v[1 + random.nextInt(v.length - 2)] = '\n';
            }
        }
        return v;
    }

    /** Lines as {@code sed} and {@code tail} count them: ending at {@code \n}, an unterminated last one counting. */
    private static List<byte[]> lines(byte[] b) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                out.add(Arrays.copyOfRange(b, start, i + 1));
                start = i + 1;
            }
        }
        if (start < b.length) {
            out.add(Arrays.copyOfRange(b, start, b.length));
        }
        return out;
    }

    private static byte[] join(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    @Test
    void outputStoredBeforeItsSecretsWereRegisteredIsServedMaskedOnEveryReadPath() throws Exception {
        SplittableRandom random = new SplittableRandom(20261201);
        for (int round = 0; round < 40; round++) {
            JobId job = JobId.of("late-" + round);
            List<byte[]> values = new ArrayList<>();
            for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                values.add(secret(random));
            }
            byte[] raw = MaskingLogStoreTest.randomLog(random, values);
            long seq = 0;
            for (int at = 0; at < raw.length; seq++) {
                int size = random.nextInt(3) == 0 ? 1 + random.nextInt(2048) : 1 + random.nextInt(40);
                byte[] piece = Arrays.copyOfRange(raw, at, Math.min(raw.length, at + size));
                fs.append(job, new LogChunk(seq, LogStream.STDOUT, seq, piece)); // stored before any registration
                at += piece.length;
            }
            RegisteredSecrets secrets = new RegisteredSecrets();
            values.forEach(v -> secrets.register(job, v));
            LogStore store = new MaskingLogStore(fs, secrets, Duration.ZERO);
            byte[] expected = maskedAtOnce(raw, values);
            assertThat(expected).as("round %d: the log holds secrets to mask", round).isNotEqualTo(raw);

            assertServedMasked(round + " open", random, store, job, expected, values);
            fs.seal(job);
            assertServedMasked(round + " sealed", random, store, job, expected, values);

            ByteArrayOutputStream archive = new ByteArrayOutputStream();
            store.exportArchive(job, archive);
            try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(archive.toByteArray()))) {
                assertThat(in.readAllBytes()).as("round %d: export", round).isEqualTo(expected);
            }
            LogStore imported = LogStores.fromClassPath().open(CinchConfig.of(Map.of("data-dir",
                    dataDir.resolve("imported").toString(), "log-store", "fs")));
            try (imported) {
                imported.importArchive(job, new ByteArrayInputStream(archive.toByteArray()));
                assertThat(imported.readRange(job, 0, expected.length)).as("round %d: imported export", round)
                        .isEqualTo(expected);
                assertThat(imported.stat(job).chunks()).isEqualTo(seq);
            }
        }
    }

    private void assertServedMasked(String round, SplittableRandom random, LogStore store, JobId job, byte[] expected,
                                    List<byte[]> values) throws InterruptedException {
        // Ranges: pieces of every size, from single bytes on, fit together into the log masked at once.
        for (int maxPiece : new int[] {1, 7, 64, 700}) {
            ByteArrayOutputStream pieces = new ByteArrayOutputStream();
            for (long off = 0; off < expected.length; ) {
                byte[] got = store.readRange(job, off, 1 + random.nextInt(maxPiece));
                pieces.writeBytes(got);
                off += got.length;
            }
            assertThat(pieces.toByteArray()).as("round %s: ranges up to %d bytes", round, maxPiece).isEqualTo(expected);
        }
        assertThat(store.readRange(job, expected.length, 10)).isEmpty();

        for (int pageSize : new int[] {1, 3, 50}) {
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            for (long seq = 0; ; ) {
                List<LogChunk> page = store.readChunks(job, seq, pageSize);
                if (page.isEmpty()) {
                    break;
                }
                page.forEach(c -> chunks.writeBytes(c.data()));
                seq = page.get(page.size() - 1).seq() + 1;
            }
            assertThat(chunks.toByteArray()).as("round %s: chunks, pages of %d", round, pageSize).isEqualTo(expected);
        }

        List<byte[]> lines = lines(expected);
        for (int n : new int[] {0, 1, 2, 5, lines.size() / 2, lines.size(), lines.size() + 3}) {
            byte[] want = join(lines.subList(Math.max(0, lines.size() - n), lines.size()));
            assertThat(store.readTailLines(job, n)).as("round %s: tail -n %d", round, n).isEqualTo(want);
        }
        for (int from = 1; from <= lines.size(); from += 1 + random.nextInt(4)) {
            int count = 1 + random.nextInt(3);
            byte[] want = join(lines.subList(from - 1, Math.min(lines.size(), from - 1 + count)));
            assertThat(store.readLines(job, from, count)).as("round %s: lines %d+%d", round, from, count).isEqualTo(want);
        }

        ByteArrayOutputStream followed = new ByteArrayOutputStream();
        try (LogFollower f = store.follow(job, 0)) {
            while (followed.size() < expected.length) {
                f.poll(Duration.ofSeconds(5)).forEach(c -> followed.writeBytes(c.data()));
            }
        }
        assertThat(followed.toByteArray()).as("round %s: follow", round).isEqualTo(expected);

        // A search shows served lines only: every line holding "export" (a secret follows it) as masked.
        String wantExport = lines.stream().map(l -> new String(l, StandardCharsets.ISO_8859_1))
                .filter(l -> l.contains("export"))
                .map(l -> l.endsWith("\n") ? l.substring(0, l.length() - 1) : l)
                .collect(Collectors.joining("|"));
        try (var matches = store.search(job, "export", SearchOptions.defaults().withFixedStrings(true))) {
            String got = matches.map(SearchMatch::line).map(t -> new String(t, StandardCharsets.ISO_8859_1))
                    .map(l -> l.endsWith("\n") ? l.substring(0, l.length() - 1) : l)
                    .collect(Collectors.joining("|"));
            assertThat(got).as("round %s: search", round).isEqualTo(wantExport);
        }
        for (byte[] v : values) {
            String literal = new String(v, StandardCharsets.ISO_8859_1);
            if (literal.indexOf('\n') < 0) {
                try (var matches = store.search(job, literal, SearchOptions.defaults().withFixedStrings(true))) {
                    assertThat(matches.count()).as("round %s: search finds a secret", round).isZero();
                }
            }
        }
    }

    /** A follower is served in batches; a secret that a batch's end cuts is masked in both (the next batch is stored). */
    @Test
    void aFollowerReplayingAStoredLogIsServedItMaskedAcrossItsBatches() throws InterruptedException {
        JobId job = JobId.of("batches");
        byte[] value = "s3cr3t-value-xyz".getBytes(StandardCharsets.US_ASCII);
        byte[] raw = new byte[20_000];
        Arrays.fill(raw, (byte) '.');
        for (int at = 0; at + value.length < raw.length; at += 997) {
            System.arraycopy(value, 0, raw, at, value.length); // at many offsets against the 10-byte chunks
        }
        System.arraycopy(value, 0, raw, 10_240 - 8, value.length); // across the end of a first batch of 1,024 chunks
        for (int seq = 0; seq < raw.length / 10; seq++) {
            fs.append(job, new LogChunk(seq, LogStream.STDOUT, seq, Arrays.copyOfRange(raw, seq * 10, seq * 10 + 10)));
        }
        RegisteredSecrets secrets = new RegisteredSecrets();
        secrets.register(job, value);
        LogStore store = new MaskingLogStore(fs, secrets);
        byte[] expected = maskedAtOnce(raw, List.of(value));
        ByteArrayOutputStream followed = new ByteArrayOutputStream();
        int polls = 0;
        try (LogFollower f = store.follow(job, 0)) {
            while (followed.size() < expected.length) {
                f.poll(Duration.ofSeconds(5)).forEach(c -> followed.writeBytes(c.data()));
                polls++;
            }
        }
        assertThat(polls).as("the log is followed in more than one batch").isGreaterThan(1);
        assertThat(followed.toByteArray()).isEqualTo(expected);
    }

    @Test
    void aLogWithNothingToMaskIsExportedAsStoredAndAJobWithoutSecretsIsReadAsStored() throws IOException {
        JobId job = JobId.of("clean");
        byte[] raw = "nothing secret here\nat all\n".getBytes(StandardCharsets.UTF_8);
        fs.append(job, new LogChunk(0, LogStream.STDOUT, 1, raw));
        fs.seal(job);
        RegisteredSecrets secrets = new RegisteredSecrets();
        secrets.register(job, "hunter2-not-in-the-log".getBytes(StandardCharsets.UTF_8));
        LogStore store = new MaskingLogStore(fs, secrets);
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        fs.exportArchive(job, direct);
        ByteArrayOutputStream masked = new ByteArrayOutputStream();
        store.exportArchive(job, masked);
        assertThat(masked.toByteArray()).isEqualTo(direct.toByteArray());
        JobId other = JobId.of("no-secrets");
        fs.append(other, new LogChunk(0, LogStream.STDOUT, 1, raw));
        assertThat(store.readRange(other, 0, 100)).isEqualTo(raw);
        assertThat(store.readChunks(other, 0, 10)).containsExactly(new LogChunk(0, LogStream.STDOUT, 1, raw));
    }
}
