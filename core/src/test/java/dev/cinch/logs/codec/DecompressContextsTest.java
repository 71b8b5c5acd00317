package dev.cinch.logs.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecompressContextsTest {

    private static byte[] sample(long seed, int size) {
        Random rnd = new Random(seed);
        byte[] raw = new byte[size];
        for (int i = 0; i < size; i++) {
            raw[i] = (byte) ("abcdefgh \n".charAt(rnd.nextInt(10)));
        }
        return raw;
    }

    @Test
    void manyCallersAtOnceGetCorrectBytesAndOnlyTheBoundStaysIdle() throws Exception {
        byte[] raw = sample(1, 200_000);
        byte[] packed = Zstd.compress(raw, 3);
        try (DecompressContexts contexts = new DecompressContexts(2)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    results.add(pool.submit(() -> {
                        byte[] out = new byte[raw.length];
                        int n = contexts.decompress(out, 0, out.length, packed, 0, packed.length);
                        return n == raw.length && Arrays.equals(out, raw);
                    }));
                }
                for (Future<Boolean> r : results) {
                    assertThat(r.get()).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(contexts.idleCount()).isBetween(1, 2);
        }
    }

    @Test
    void aBadFrameFailsAndTheContextStaysUsable() {
        byte[] raw = sample(2, 50_000);
        byte[] packed = Zstd.compress(raw, 3);
        byte[] broken = packed.clone();
        broken[broken.length / 2] ^= 0x55;
        broken[broken.length / 2 + 1] ^= 0x55;
        try (DecompressContexts contexts = new DecompressContexts(1)) {
            byte[] out = new byte[raw.length];
            // A flipped byte in the middle of the compressed data is either refused by zstd or, when it still parses,
            // decodes to other bytes; either way the next call on the same context must be right.
            try {
                contexts.decompress(out, 0, out.length, broken, 0, broken.length);
            } catch (ZstdException expected) {
                // refused
            }
            assertThatThrownBy(() -> contexts.decompress(new byte[10], 0, 10, packed, 0, packed.length))
                    .isInstanceOf(ZstdException.class);
            assertThat(contexts.idleCount()).isEqualTo(1);
            byte[] again = new byte[raw.length];
            assertThat(contexts.decompress(again, 0, again.length, packed, 0, packed.length)).isEqualTo(raw.length);
            assertThat(again).isEqualTo(raw);
        }
    }

    @Test
    void afterCloseNothingStaysIdleAndCallsStillWork() {
        byte[] raw = sample(3, 10_000);
        byte[] packed = Zstd.compress(raw, 3);
        DecompressContexts contexts = new DecompressContexts(4);
        byte[] out = new byte[raw.length];
        contexts.decompress(out, 0, out.length, packed, 0, packed.length);
        assertThat(contexts.idleCount()).isEqualTo(1);
        contexts.close();
        assertThat(contexts.idleCount()).isZero();
        assertThat(contexts.decompress(out, 0, out.length, packed, 0, packed.length)).isEqualTo(raw.length);
        assertThat(contexts.idleCount()).as("a context used after close is freed, not kept").isZero();
        DecompressContexts none = new DecompressContexts(0);
        assertThat(none.decompress(out, 0, out.length, packed, 0, packed.length)).isEqualTo(raw.length);
        assertThat(none.idleCount()).isZero();
    }
}
