package dev.cinch.logs.tiered;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.archive.ArchiveOptions;
import dev.cinch.logs.archive.ArchiveSummary;
import dev.cinch.logs.archive.SeekableArchiveWriter;
import dev.cinch.logs.testkit.CiLogGenerator;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A child JVM with a small heap that puts a 1 GiB sealed log in the hot tier (imported from an archive it writes to
 * disk as it goes), moves it down two tiers (hot → warm as stored, warm → cold re-encoded at another level and frame
 * size) and verifies it: the data path streams, so this runs in a heap far smaller than the log.
 * Prints {@code MOVED <tier> <crc32c> <rawBytes>}.
 */
public final class BigMoveProcess {
    private BigMoveProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        long target = Long.parseLong(args[1]);
        // The stores' frame caches (64 MiB each by default) are bounded by their own setting, not by the move: kept
        // small here so that the heap left is what the move itself needs.
        TieredFixture f = new TieredFixture(dataDir, Map.of("tiered.warm.archive-after", "0s", "tiered.cold.archive-after", "0s",
                "tiered.cold.fs.archive-level", "3", "tiered.cold.fs.archive-frame-size", "1MiB", "fs.frame-cache-size", "4MiB"));
        JobId job = JobId.of("big");
        Path archive = dataDir.resolve("big.zst");
        byte[] block = CiLogGenerator.generate(77, 1 << 20);
        ArchiveSummary written;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(archive), 1 << 16);
             SeekableArchiveWriter w = new SeekableArchiveWriter(out, new ArchiveOptions(1 << 20, 1))) {
            long raw = 0;
            for (long n = 0; raw < target; n++) {
                byte[] mark = ("block " + n + "\n").getBytes(StandardCharsets.US_ASCII);
                w.addChunk(LogStream.STDOUT, n, mark);
                raw += mark.length;
                for (int off = 0; off < block.length && raw < target; off += 64 << 10) {
                    int len = (int) Math.min(64 << 10, Math.min(block.length - off, target - raw));
                    w.addChunk(LogStream.STDOUT, n, block, off, len);
                    raw += len;
                }
            }
            written = w.finish();
        }
        try (TieredLogStore store = f.open(); Archiver archiver = store.archiver("big")) {
            try (var in = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
                store.importArchive(job, in);
            }
            Files.delete(archive);
            Archiver.Report r = archiver.runOnce(new Archiver.Listener() {
            });
            if (!r.failures().isEmpty() || r.moved() != 2) {
                throw new IllegalStateException("moves: " + r);
            }
            LogStat s = store.stat(job);
            if (!store.verify(job).ok() || s.crc32c() != written.crc32c() || s.rawBytes() != written.rawBytes()) {
                throw new IllegalStateException("after the moves: " + s + " against " + written);
            }
            System.out.println("MOVED " + s.tier() + " " + Integer.toHexString(s.crc32c()) + " " + s.rawBytes()
                    + " maxHeap " + Runtime.getRuntime().maxMemory());
        }
    }
}
