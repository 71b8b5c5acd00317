package dev.cinch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cinch.logs.JobId;
import dev.cinch.logs.archive.ArrayByteSource;
import dev.cinch.logs.archive.SeekableArchiveReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * What the cross-job search benchmark's filters cost and save, counted on the archives themselves: how many of all
 * data frames the rare string's lookup leaves to read, and how large the filter frames are against the archives.
 * Usage: {@code SearchFilterReport <out.json> [totalMiB]}.
 */
public final class SearchFilterReport {
    private SearchFilterReport() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int totalMiB = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        SearchSet set = SearchSet.load(totalMiB);
        byte[] literal = SearchSet.LITERAL.getBytes(StandardCharsets.US_ASCII);
        long frames = 0;
        long candidates = 0;
        long archiveBytes = 0;
        long filterBytes = 0;
        long rawBytes = 0;
        int logsWithCandidates = 0;
        for (JobId job : set.jobs()) {
            byte[] archive = Files.readAllBytes(set.archiveFile(job));
            SeekableArchiveReader reader = SeekableArchiveReader.open(new ArrayByteSource(archive), job);
            BitSet may = reader.framesThatMayContain(literal).orElseThrow(() ->
                    new IllegalStateException("job " + job + ": the archive has no filters"));
            frames += reader.frameCount();
            candidates += may.cardinality();
            logsWithCandidates += may.isEmpty() ? 0 : 1;
            archiveBytes += reader.archiveSize();
            filterBytes += reader.filterFrameBytes();
            rawBytes += reader.rawSize();
            if (job.equals(set.needleJob()) && may.isEmpty()) {
                throw new IllegalStateException("the job holding the string has no candidate frame: a false negative");
            }
        }
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("literal", SearchSet.LITERAL);
        n.put("jobs", set.jobs().size());
        n.put("rawBytes", rawBytes);
        n.put("archiveBytes", archiveBytes);
        n.put("filterBytes", filterBytes);
        n.put("frames", frames);
        n.put("candidateFrames", candidates);
        n.put("logsWithCandidates", logsWithCandidates);
        n.put("corpus", CorpusBytes.load().real() ? "real CI logs (CINCH_CORPUS_DIR)" : "generated CI-like logs");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
        System.out.printf("%d jobs, %d MiB raw, %d MiB archived: %d of %d frames may hold '%s'; filters %d KiB%n",
                set.jobs().size(), rawBytes >> 20, archiveBytes >> 20, candidates, frames, SearchSet.LITERAL, filterBytes >> 10);
    }
}
