package dev.cinch.logs.policy;

import com.github.luben.zstd.ZstdInputStream;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogWriter;
import dev.cinch.logs.text.SearchOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Masking over a real fs store: secrets never stored or served, wherever chunk boundaries fall, with retries. */
class MaskingLogStoreTest extends OverFsStore {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] readAll(LogStore s, JobId job) {
        return s.readRange(job, 0, (int) s.stat(job).rawBytes());
    }

    @Test
    void aSecretSplitAtEveryBoundaryIsNeverStoredWholeAndItsSecondPartIsMasked() {
        String secret = "ghp_7Hq2Xv9LmN4pRt8Yw1Zk";
        String line = "token=" + secret + " ok\n";
        RegisteredSecrets secrets = new RegisteredSecrets();
        for (int cut = 0; cut <= line.length(); cut++) {
            JobId job = JobId.of("split-" + cut);
            secrets.register(job, utf8(secret));
            LogStore s = new MaskingLogStore(fs, secrets);
            s.append(job, new LogChunk(0, LogStream.STDOUT, 1, utf8(line.substring(0, cut))));
            s.append(job, new LogChunk(1, LogStream.STDOUT, 2, utf8(line.substring(cut))));
            byte[] stored = readAll(fs, job);
            assertThat(indexOf(stored, utf8(secret))).as("cut %d", cut).isEqualTo(-1);
            assertThat(stored).hasSize(line.length());
            int secretStart = "token=".length();
            int secretEnd = secretStart + secret.length();
            for (int i = 0; i < line.length(); i++) {
                boolean inSecret = i >= secretStart && i < secretEnd;
                boolean afterCut = i >= cut;
                // Masked: the secret's bytes, except those a cut left in the chunk stored before the rest arrived.
                byte want = inSecret && (afterCut || secretEnd <= cut) ? MaskingLogStore.MASK : (byte) line.charAt(i);
                assertThat(stored[i]).as("cut %d byte %d", cut, i).isEqualTo(want);
            }
        }
    }

    @Test
    void aRetryIsMaskedToTheSameBytesEvenByAnotherInstanceThatNeverSawTheChunkBefore() {
        String secret = "s3cr3t-V4lue-Xy";
        JobId job = JobId.of("retry");
        RegisteredSecrets secrets = new RegisteredSecrets();
        secrets.register(job, utf8(secret));
        LogStore first = new MaskingLogStore(fs, secrets);
        LogChunk a = new LogChunk(0, LogStream.STDOUT, 1, utf8("login s3cr3t-V4"));
        LogChunk b = new LogChunk(1, LogStream.STDOUT, 2, utf8("lue-Xy done\n"));
        first.append(job, a);
        first.append(job, b);
        first.append(job, b); // the worker did not see the ack
        LogStore second = new MaskingLogStore(fs, secrets); // a restarted server, or another instance
        second.append(job, b);
        second.append(job, a);
        assertThat(fs.stat(job).chunks()).isEqualTo(2);
        assertThat(new String(readAll(fs, job), StandardCharsets.UTF_8)).isEqualTo("login s3cr3t-V4****** done\n");
    }

    @Test
    void secretsRandomlyPlacedEncodedSplitAndRetriedAreFoundOnNoReadPath() throws Exception {
        SplittableRandom random = new SplittableRandom(20261130);
        RegisteredSecrets secrets = new RegisteredSecrets();
        for (int round = 0; round < 60; round++) {
            JobId job = JobId.of("prop-" + round);
            List<byte[]> values = new ArrayList<>();
            for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
                byte[] v = randomSecret(random);
                values.add(v);
                secrets.register(job, v);
            }
            byte[] raw = randomLog(random, values);
            LogStore store = new MaskingLogStore(fs, secrets, Duration.ofMillis(random.nextInt(50)));
            boolean viaWriter = random.nextInt(4) == 0;
            LogWriter writer = viaWriter ? store.openWriter(job) : null;
            long seq = 0;
            int at = 0;
            while (at < raw.length) {
                int size = random.nextInt(3) == 0 ? 1 + random.nextInt(4096) : 1 + random.nextInt(48);
                byte[] piece = Arrays.copyOfRange(raw, at, Math.min(raw.length, at + size));
                LogChunk chunk = new LogChunk(seq, LogStream.STDOUT, seq, piece);
                if (writer != null) {
                    writer.append(LogStream.STDOUT, seq, piece, 0, piece.length);
                } else {
                    store.append(job, chunk);
                    for (int r = random.nextInt(3) == 0 ? 1 + random.nextInt(2) : 0; r > 0; r--) {
                        store.append(job, chunk); // retries of the chunk just acknowledged
                    }
                    if (random.nextInt(20) == 0) {
                        store = new MaskingLogStore(fs, secrets); // another instance takes over
                        store.append(job, chunk); // and the worker resends its last chunk to it
                    }
                }
                at += piece.length;
                seq++;
            }
            if (writer != null) {
                writer.close();
            }
            byte[] stored = readAll(fs, job);
            assertThat(stored).as("round %d: same length", round).hasSize(raw.length);
            List<byte[]> forms = new ArrayList<>();
            values.forEach(v -> forms.addAll(SecretForms.of(v)));
            boolean[] inOccurrence = occurrences(raw, forms);
            for (int i = 0; i < raw.length; i++) {
                if (stored[i] != raw[i]) {
                    assertThat(stored[i]).as("round %d byte %d", round, i).isEqualTo(MaskingLogStore.MASK);
                    assertThat(inOccurrence[i]).as("round %d: byte %d masked outside any secret", round, i).isTrue();
                }
            }
            assertNoSecret(round, "stored", stored, forms);
            assertReadPaths(round, store, job, stored, forms, values);
            store.seal(job);
            assertReadPaths(round, store, job, stored, forms, values);
            ByteArrayOutputStream archive = new ByteArrayOutputStream();
            store.exportArchive(job, archive);
            try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(archive.toByteArray()))) {
                byte[] exported = in.readAllBytes();
                assertThat(exported).as("round %d: export", round).isEqualTo(stored);
            }
        }
    }

    private void assertReadPaths(int round, LogStore store, JobId job, byte[] stored, List<byte[]> forms,
                                 List<byte[]> values) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(round);
        ByteArrayOutputStream pieces = new ByteArrayOutputStream();
        for (long off = 0; off < stored.length; ) {
            int len = 1 + random.nextInt(700);
            byte[] got = store.readRange(job, off, len);
            pieces.writeBytes(got);
            off += got.length;
        }
        assertThat(pieces.toByteArray()).as("round %d: ranges", round).isEqualTo(stored);
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        for (long seq = 0; ; ) {
            List<LogChunk> page = store.readChunks(job, seq, 7);
            if (page.isEmpty()) {
                break;
            }
            page.forEach(c -> chunks.writeBytes(c.data()));
            seq = page.get(page.size() - 1).seq() + 1;
        }
        assertThat(chunks.toByteArray()).as("round %d: chunks", round).isEqualTo(stored);
        assertThat(store.readTailLines(job, 1_000_000)).as("round %d: tail", round).isEqualTo(stored);
        ByteArrayOutputStream followed = new ByteArrayOutputStream();
        try (LogFollower f = store.follow(job, 0)) {
            while (followed.size() < stored.length) {
                f.poll(Duration.ofSeconds(5)).forEach(c -> followed.writeBytes(c.data()));
            }
        }
        assertThat(followed.toByteArray()).as("round %d: follow", round).isEqualTo(stored);
        for (byte[] v : values) {
            String literal = new String(v, StandardCharsets.ISO_8859_1);
            if (literal.chars().allMatch(c -> c < 0x80)) {
                try (var matches = store.search(job, literal, SearchOptions.defaults().withFixedStrings(true))) {
                    assertThat(matches.count()).as("round %d: search finds a secret", round).isZero();
                }
            }
        }
        assertNoSecret(round, "read", stored, forms);
    }

    private static void assertNoSecret(int round, String path, byte[] bytes, List<byte[]> forms) {
        for (byte[] f : forms) {
            assertThat(indexOf(bytes, f)).as("round %d: a secret form found in %s bytes", round, path).isEqualTo(-1);
        }
    }

    /** Which raw bytes lie inside an occurrence of any form: the only bytes masking may change. */
    static boolean[] occurrences(byte[] raw, List<byte[]> forms) {
        boolean[] in = new boolean[raw.length];
        for (byte[] f : forms) {
            for (int i = 0; i + f.length <= raw.length; i++) {
                if (Arrays.equals(raw, i, i + f.length, f, 0, f.length)) {
                    Arrays.fill(in, i, i + f.length, true);
                }
            }
        }
        return in;
    }

    static byte[] randomSecret(SplittableRandom random) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=!@#$%&?:. ";
        byte[] v = new byte[6 + random.nextInt(43)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return v;
    }

    /** CI-like output (ANSI colours, \r progress, NUL, invalid UTF-8) with the secrets in their three forms. */
    static byte[] randomLog(SplittableRandom random, List<byte[]> secrets) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int line = 0, n = 40 + random.nextInt(200); line < n; line++) {
            switch (random.nextInt(8)) {
                case 0 -> out.writeBytes(utf8("\u001b[32mPASS\u001b[0m test " + line + "\n"));
                case 1 -> out.writeBytes(utf8("progress " + line + "%\r"));
                case 2 -> out.writeBytes(new byte[] {0, (byte) 0xff, (byte) 0xc3, '\n'});
                case 3 -> {
                    byte[] s = secrets.get(random.nextInt(secrets.size()));
                    out.writeBytes(utf8("export TOKEN="));
                    out.writeBytes(s);
                    if (random.nextBoolean()) {
                        out.writeBytes(s); // twice in a row
                    }
                    out.write('\n');
                }
                case 4 -> {
                    byte[] s = secrets.get(random.nextInt(secrets.size()));
                    byte[] value = new byte[random.nextInt(5) + s.length + random.nextInt(5)];
                    Arrays.fill(value, (byte) 'u');
                    int before = random.nextInt(value.length - s.length + 1);
                    System.arraycopy(s, 0, value, before, s.length);
                    Base64.Encoder e = random.nextBoolean() ? Base64.getEncoder() : Base64.getUrlEncoder();
                    out.writeBytes(utf8("Authorization: Basic "));
                    out.writeBytes(e.encode(value));
                    out.write('\n');
                }
                case 5 -> {
                    byte[] s = secrets.get(random.nextInt(secrets.size()));
                    out.writeBytes(utf8("GET https://example.test/?token="
                            + URLEncoder.encode(new String(s, StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8) + " 200\n"));
                }
                default -> {
                    byte[] filler = new byte[random.nextInt(120)];
                    for (int i = 0; i < filler.length; i++) {
                        filler[i] = (byte) (32 + random.nextInt(95));
                    }
                    out.writeBytes(filler);
                    out.write('\n');
                }
            }
        }
        return out.toByteArray();
    }
}
