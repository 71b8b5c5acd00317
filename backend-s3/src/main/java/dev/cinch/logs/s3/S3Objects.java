package dev.cinch.logs.s3;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The S3 requests the store makes, on one bucket, with S3's answers turned into what the store needs: a missing
 * object is an empty result (or {@link Missing}), a refused conditional write is an empty result, and every other
 * failure that the client's retries (backoff with jitter) did not overcome is an {@link IOException} naming the
 * bucket and key. Thread-safe.
 */
final class S3Objects {
    private final S3Client client;
    private final String bucket;

    private final int maxAttempts;

    S3Objects(S3Client client, String bucket, int maxAttempts) {
        this.client = client;
        this.bucket = bucket;
        this.maxAttempts = maxAttempts;
    }

    String bucket() {
        return bucket;
    }

    /** A read found no object (deleted, or never written). */
    static final class Missing extends FileNotFoundException {
        Missing(String where) {
            super(where + " does not exist");
        }
    }

    /** What HEAD says about an object; {@code age} is by the server's clock (its Date minus Last-Modified). */
    record Info(String etag, long size, Duration age) {
    }

    String where(String key) {
        return "s3://" + bucket + "/" + key;
    }

    /**
     * Runs one SDK call, repeating it when the response broke while the SDK read or parsed it: the SDK retries
     * throttling, 5xx, resets and timeouts up to the response headers itself (with backoff and jitter), but a
     * connection reset or timeout inside an XML body escapes it as an {@link UncheckedIOException} or as a
     * non-retryable "could not parse" {@link SdkClientException}. Every call here is safe to repeat (writes are
     * conditional or to unique keys, and a repeated conditional write is recognised by its callers).
     */
    private <T> T sdk(Supplier<T> request) {
        for (int attempt = 1; ; attempt++) {
            try {
                return request.get();
            } catch (UncheckedIOException | SdkClientException e) {
                if (e instanceof AbortedException || Thread.currentThread().isInterrupted()) {
                    throw e; // an interrupted caller: stop at once
                }
                if (attempt >= maxAttempts) {
                    throw e instanceof SdkClientException c ? c
                            : SdkClientException.create("response body failed " + attempt + " times: " + e.getCause(), e);
                }
                long capMs = Math.min(5_000, 50L << Math.min(attempt, 10));
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(capMs + 1)); // full jitter
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw SdkClientException.create("interrupted while retrying", ie);
                }
            }
        }
    }

    private <T> T call(String operation, String key, Supplier<T> request) throws IOException {
        try {
            return sdk(request);
        } catch (SdkException e) {
            throw new IOException(operation + " of " + where(key) + " failed: " + describe(e), e);
        }
    }

    private static String describe(SdkException e) {
        if (e instanceof S3Exception s) {
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            return "HTTP " + s.statusCode() + (code == null ? "" : " " + code);
        }
        return e.getMessage();
    }

    private static boolean status(SdkException e, int status) {
        return e instanceof S3Exception s && s.statusCode() == status;
    }

    Optional<Info> head(String key) throws IOException {
        try {
            HeadObjectResponse r = sdk(() -> client.headObject(b -> b.bucket(bucket).key(key)));
            return Optional.of(new Info(r.eTag(), r.contentLength(), age(r.sdkHttpResponse().firstMatchingHeader("Date"),
                    r.lastModified())));
        } catch (SdkException e) {
            if (status(e, 404)) {
                return Optional.empty();
            }
            throw new IOException("HEAD of " + where(key) + " failed: " + describe(e), e);
        }
    }

    private static Duration age(Optional<String> serverDate, Instant lastModified) {
        if (serverDate.isEmpty() || lastModified == null) {
            return Duration.ZERO;
        }
        try {
            Instant now = ZonedDateTime.parse(serverDate.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(lastModified, now);
            return d.isNegative() ? Duration.ZERO : d;
        } catch (RuntimeException e) {
            return Duration.ZERO;
        }
    }

    /** A writer lease as read: its ETag, its holder line, and its age by the server's clock. */
    record Held(String etag, String holder, Duration age, String body) {
    }

    /** Reads a lease object (one GET: body, ETag, Last-Modified and the server's Date). */
    Optional<Held> getHeld(String key) throws IOException {
        Optional<ResponseBytes<GetObjectResponse>> got = get(key);
        if (got.isEmpty()) {
            return Optional.empty();
        }
        GetObjectResponse r = got.get().response();
        String body = got.get().asUtf8String();
        String holder = body.lines().filter(l -> l.startsWith("holder=")).map(l -> l.substring(7))
                .findFirst().orElse("?");
        return Optional.of(new Held(r.eTag(), holder, age(r.sdkHttpResponse().firstMatchingHeader("Date"), r.lastModified()),
                body));
    }

    /** The whole object, or empty when it does not exist. */
    Optional<ResponseBytes<GetObjectResponse>> get(String key) throws IOException {
        try {
            return Optional.of(sdk(() -> client.getObjectAsBytes(b -> b.bucket(bucket).key(key))));
        } catch (SdkException e) {
            if (status(e, 404)) {
                return Optional.empty();
            }
            throw new IOException("GET of " + where(key) + " failed: " + describe(e), e);
        }
    }

    /** Bytes {@code [from, from + length)} of the object, in one range GET. */
    byte[] getRange(String key, long from, int length) throws IOException {
        return getRange(key, "bytes=" + from + "-" + (from + length - 1), length);
    }

    /** The last {@code length} bytes of the object, in one suffix-range GET. */
    byte[] getSuffix(String key, int length) throws IOException {
        return getRange(key, "bytes=-" + length, length);
    }

    private byte[] getRange(String key, String range, int expected) throws IOException {
        byte[] bytes;
        try {
            bytes = sdk(() -> client.getObjectAsBytes(b -> b.bucket(bucket).key(key).range(range))).asByteArrayUnsafe();
        } catch (SdkException e) {
            if (status(e, 404)) {
                throw new Missing(where(key));
            }
            throw new IOException("GET " + range + " of " + where(key) + " failed: " + describe(e), e);
        }
        if (bytes.length != expected) {
            throw new IOException("GET " + range + " of " + where(key) + " returned " + bytes.length + " bytes, expected "
                    + expected);
        }
        return bytes;
    }

    /**
     * Stores the object only if no object has the key ({@code If-None-Match: *}).
     *
     * @return the new object's ETag, or empty when an object with the key exists (S3 answered 412, or 409 for a
     *     conditional write racing another one)
     */
    Optional<String> putIfAbsent(String key, byte[] body) throws IOException {
        try {
            return Optional.of(sdk(() -> client.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromBytes(body))).eTag());
        } catch (SdkException e) {
            if (status(e, 412) || status(e, 409)) {
                return Optional.empty();
            }
            throw new IOException("conditional PUT of " + where(key) + " failed: " + describe(e), e);
        }
    }

    /** Replaces the object only if its ETag is still {@code etag}; the new ETag, or empty when it is not (or gone). */
    Optional<String> putIfMatch(String key, String etag, byte[] body) throws IOException {
        try {
            return Optional.of(sdk(() -> client.putObject(b -> b.bucket(bucket).key(key).ifMatch(etag), RequestBody.fromBytes(body))).eTag());
        } catch (SdkException e) {
            if (status(e, 412) || status(e, 409) || status(e, 404)) {
                return Optional.empty();
            }
            throw new IOException("conditional PUT of " + where(key) + " failed: " + describe(e), e);
        }
    }

    /** One page of a listing; {@code delimiter} may be null. */
    ListObjectsV2Response listPage(String prefix, String delimiter, String startAfter, String continuation, int maxKeys)
            throws IOException {
        return call("LIST", prefix + "*", () -> client.listObjectsV2(b -> {
            b.bucket(bucket).prefix(prefix).maxKeys(maxKeys);
            if (delimiter != null) {
                b.delimiter(delimiter);
            }
            if (continuation != null) {
                b.continuationToken(continuation);
            } else if (startAfter != null) {
                b.startAfter(startAfter);
            }
        }));
    }

    /** Every object under {@code prefix}, in key order (one request per 1000 keys). */
    List<S3Object> listAll(String prefix) throws IOException {
        List<S3Object> all = new ArrayList<>();
        String token = null;
        do {
            ListObjectsV2Response page = listPage(prefix, null, null, token, 1000);
            all.addAll(page.contents());
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return all;
    }

    /** Deletes the objects (missing ones are fine), 1000 per request. */
    void delete(List<String> keys) throws IOException {
        for (int from = 0; from < keys.size(); from += 1000) {
            List<ObjectIdentifier> batch = new ArrayList<>();
            for (String k : keys.subList(from, Math.min(keys.size(), from + 1000))) {
                batch.add(ObjectIdentifier.builder().key(k).build());
            }
            String first = keys.get(from);
            DeleteObjectsResponse r = call("DELETE", first, () -> client.deleteObjects(b -> b.bucket(bucket)
                    .delete(Delete.builder().objects(batch).quiet(true).build())));
            if (r.hasErrors() && !r.errors().isEmpty()) {
                var err = r.errors().get(0);
                throw new IOException("DELETE of " + where(err.key()) + " failed: " + err.code() + " " + err.message()
                        + " (" + r.errors().size() + " keys failed)");
            }
        }
    }

    void deleteOne(String key) throws IOException {
        call("DELETE", key, () -> client.deleteObject(b -> b.bucket(bucket).key(key)));
    }

    // ---- multipart --------------------------------------------------------------------------------------------------

    String startMultipart(String key) throws IOException {
        return call("CreateMultipartUpload", key, () -> client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId());
    }

    CompletedPart uploadPart(String key, String uploadId, int partNumber, byte[] data, int length) throws IOException {
        String etag = call("UploadPart " + partNumber, key, () -> client.uploadPart(
                b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber).contentLength((long) length),
                RequestBody.fromInputStream(new java.io.ByteArrayInputStream(data, 0, length), length)).eTag());
        return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
    }

    /**
     * Completes the upload. A retry of a completion whose answer was lost finds the upload gone; the object is then
     * there with the expected size, which counts as success (the key is unique to this upload).
     */
    String completeMultipart(String key, String uploadId, List<CompletedPart> parts, long expectedSize) throws IOException {
        try {
            return sdk(() -> client.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)))).eTag();
        } catch (SdkException e) {
            Optional<Info> there = head(key);
            if (there.isPresent() && there.get().size() == expectedSize) {
                return there.get().etag();
            }
            throw new IOException("CompleteMultipartUpload of " + where(key) + " failed: " + describe(e), e);
        }
    }

    void abortMultipart(String key, String uploadId) throws IOException {
        try {
            sdk(() -> client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)));
        } catch (SdkException e) {
            if (!status(e, 404)) {
                throw new IOException("AbortMultipartUpload of " + where(key) + " failed: " + describe(e), e);
            }
        }
    }

    /** Stores the object unconditionally (archive uploads have unique keys, so nothing can be overwritten). */
    String put(String key, byte[] data, int length) throws IOException {
        return call("PUT", key, () -> client.putObject(b -> b.bucket(bucket).key(key),
                RequestBody.fromInputStream(new java.io.ByteArrayInputStream(data, 0, length), length)).eTag());
    }
}
