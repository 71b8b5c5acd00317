package dev.cinch.logs.s3;

import dev.cinch.logs.JobId;
import dev.cinch.logs.archive.ByteSource;
import dev.cinch.logs.storage.ArchiveUpload;
import dev.cinch.logs.storage.PartBufferStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.List;

/**
 * An archive streamed to its own object ({@code archive-<uuid>.zst}, a key nobody else uses) with multipart upload:
 * memory holds one part ({@code s3.part-size}), whatever the log's size; an archive smaller than one part is one PUT.
 * It becomes the log's form only at {@link #commit}, when the seal pointer naming it is written with
 * {@code If-None-Match: *}: of two instances sealing or importing one log, exactly one commits. Until then the object
 * is invisible to readers, and a crash leaves only an unnamed upload, which the job's next seal or delete removes
 * (an unfinished multipart upload is aborted on close; one left by a killed process by that next seal or delete, or
 * else by the bucket's lifecycle rule, see the README).
 */
final class S3ArchiveUpload implements ArchiveUpload {
    private static final Logger LOG = LoggerFactory.getLogger(S3ArchiveUpload.class);

    private final S3LogStorage storage;
    private final S3Objects objects;
    private final JobId job;
    private final String key;
    private String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();
    private long size;
    private String etag;
    private boolean committed;
    private boolean closed;
    private final PartBufferStream out;

    S3ArchiveUpload(S3LogStorage storage, JobId job, String key) {
        this.storage = storage;
        this.objects = storage.objects();
        this.job = job;
        this.key = key;
        this.out = new PartBufferStream(storage.config().partBytes(), this::uploadPart);
    }

    private void uploadPart(byte[] bytes, int length) throws IOException {
        if (uploadId == null) {
            uploadId = objects.startMultipart(key);
        }
        parts.add(objects.uploadPart(key, uploadId, parts.size() + 1, bytes, length));
    }

    /** Sends what is left and completes the object (once). */
    private void complete() throws IOException {
        if (etag != null) {
            return;
        }
        size = out.written();
        if (uploadId == null) {
            etag = objects.put(key, out.buffer(), out.buffered()); // a short archive: one PUT
        } else {
            out.flushPart();
            etag = objects.completeMultipart(key, uploadId, parts, size);
            uploadId = null;
        }
        out.finish("archive upload " + objects.where(key) + " is already complete");
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public ByteSource staged() throws IOException {
        complete();
        return new S3ByteSource(objects, storage.cache(), key, size);
    }

    @Override
    public void commit() throws IOException {
        complete();
        S3LogStorage.Pointer pointer = new S3LogStorage.Pointer(key, etag, size);
        String sealed = storage.layout().sealed(job);
        if (objects.putIfAbsent(sealed, pointer.encode()).isEmpty()) {
            // Our own earlier attempt (its answer lost) or another instance's commit: only the same archive is ours.
            var there = storage.pointer(job);
            if (there.isEmpty() || !there.get().archiveKey().equals(key)) {
                throw new FileAlreadyExistsException(objects.where(sealed), null, "job " + job + " already has an archive");
            }
        }
        committed = true;
        storage.removeOpenForm(job, key);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (committed) {
            return;
        }
        try {
            if (uploadId != null) {
                objects.abortMultipart(key, uploadId);
            } else if (etag != null) {
                objects.deleteOne(key);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("job {}: cannot remove the uncommitted archive upload {} ({}); the next seal or delete of the job "
                    + "removes it", job, objects.where(key), e.toString());
        }
    }
}
