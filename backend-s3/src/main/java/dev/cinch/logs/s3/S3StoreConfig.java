package dev.cinch.logs.s3;

import dev.cinch.logs.archive.ArchiveOptions;
import dev.cinch.logs.codec.ChunkCodec;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.ConfigException;
import dev.cinch.logs.store.StoreOptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Typed, validated settings of the s3 store. Every key can also be set as {@code CINCH_S3_<NAME>} (e.g.
 * {@code CINCH_S3_BUCKET}, {@code CINCH_S3_SECRET_ACCESS_KEY}). {@link #toString()} never shows the secret.
 *
 * @param bucket {@code s3.bucket} (required)
 * @param prefix {@code s3.prefix}: key prefix of every object (default empty; letters, digits, {@code / _ . -})
 * @param region {@code s3.region} (default {@code us-east-1}; S3-compatible servers mostly ignore it)
 * @param endpoint {@code s3.endpoint}: endpoint override for MinIO, R2, Ceph, S3Proxy (default: AWS)
 * @param pathStyle {@code s3.path-style}: {@code http://host/bucket/key} addressing (default false)
 * @param credentials {@code s3.access-key-id} and {@code s3.secret-access-key}, both or neither; neither means the
 *     SDK's default chain (environment, profile, instance role)
 * @param durability {@code s3.durability}: what {@code append}'s return promises (default {@code stored})
 * @param segmentBytes {@code s3.segment-size}: a segment object is cut once its chunks hold this many encoded bytes
 *     (default 4MiB)
 * @param flushInterval {@code s3.flush-interval}: with {@code buffered}, the longest a chunk waits in memory before it
 *     is stored (default 1s)
 * @param writerLease {@code s3.writer-lease}: how long a writer role whose holder stopped renewing it blocks other
 *     writers (default 30s; the holder renews it every third of that)
 * @param maxAttempts {@code s3.max-attempts}: attempts per request before a failure is reported (default 10)
 * @param requestTimeout {@code s3.request-timeout}: the longest one attempt may take (default 60s)
 * @param partBytes {@code s3.part-size}: multipart upload part size of archives (default 8MiB, at least 5MiB)
 * @param chunkLevel {@code s3.chunk-level}: zstd level of open-log chunks (default 3)
 * @param archive {@code s3.archive-frame-size}, {@code s3.archive-level}: the sealed form's frames
 * @param frameCacheBytes {@code s3.frame-cache-size}: decompressed archive frames kept for reads (default 64MiB)
 * @param metadataCacheBytes {@code s3.metadata-cache-size}: segment headers and archive footers kept (default 16MiB)
 * @param maxOpenWriters {@code s3.max-open-writers}: open logs kept open for appending at once (default 1024)
 * @param followPollInterval {@code s3.follow-poll-interval}: how often the keys of each followed job are listed to
 *     see changes made by other instances (default 250ms)
 */
public record S3StoreConfig(String bucket, String prefix, String region, Optional<URI> endpoint, boolean pathStyle,
                            Optional<Credentials> credentials, S3Durability durability, int segmentBytes,
                            Duration flushInterval, Duration writerLease, int maxAttempts, Duration requestTimeout,
                            int partBytes, int chunkLevel, ArchiveOptions archive, long frameCacheBytes,
                            long metadataCacheBytes, int maxOpenWriters, Duration followPollInterval) {
    public static final String BUCKET = "s3.bucket";
    public static final String PREFIX = "s3.prefix";
    public static final String REGION = "s3.region";
    public static final String ENDPOINT = "s3.endpoint";
    public static final String PATH_STYLE = "s3.path-style";
    public static final String ACCESS_KEY_ID = "s3.access-key-id";
    public static final String SECRET_ACCESS_KEY = "s3.secret-access-key";
    public static final String DURABILITY = "s3.durability";
    public static final String SEGMENT_SIZE = "s3.segment-size";
    public static final String FLUSH_INTERVAL = "s3.flush-interval";
    public static final String WRITER_LEASE = "s3.writer-lease";
    public static final String MAX_ATTEMPTS = "s3.max-attempts";
    public static final String REQUEST_TIMEOUT = "s3.request-timeout";
    public static final String PART_SIZE = "s3.part-size";
    public static final String CHUNK_LEVEL = "s3.chunk-level";
    public static final String ARCHIVE_FRAME_SIZE = "s3.archive-frame-size";
    public static final String ARCHIVE_LEVEL = "s3.archive-level";
    public static final String FRAME_CACHE_SIZE = "s3.frame-cache-size";
    public static final String METADATA_CACHE_SIZE = "s3.metadata-cache-size";
    public static final String MAX_OPEN_WRITERS = "s3.max-open-writers";
    public static final String FOLLOW_POLL_INTERVAL = "s3.follow-poll-interval";
    public static final Set<String> KEYS = Set.of(BUCKET, PREFIX, REGION, ENDPOINT, PATH_STYLE, ACCESS_KEY_ID,
            SECRET_ACCESS_KEY, DURABILITY, SEGMENT_SIZE, FLUSH_INTERVAL, WRITER_LEASE, MAX_ATTEMPTS, REQUEST_TIMEOUT,
            PART_SIZE, CHUNK_LEVEL, ARCHIVE_FRAME_SIZE, ARCHIVE_LEVEL, FRAME_CACHE_SIZE, METADATA_CACHE_SIZE,
            MAX_OPEN_WRITERS, FOLLOW_POLL_INTERVAL);

    /** S3's smallest multipart part (except the last). */
    static final int MIN_PART_BYTES = 5 << 20;
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]");
    /** No {@code !}: it ends the job id in every key (see {@link S3Layout}). */
    private static final Pattern PREFIX_CHARS = Pattern.compile("[A-Za-z0-9/_.\\-]*");

    /** Static credentials; {@link #toString()} shows the key id only. */
    public record Credentials(String accessKeyId, String secretAccessKey) {
        @Override
        public String toString() {
            return "Credentials[accessKeyId=" + accessKeyId + ", secretAccessKey=(hidden)]";
        }
    }

    public static S3StoreConfig from(CinchConfig config) {
        String bucket = config.require(BUCKET);
        if (!BUCKET_NAME.matcher(bucket).matches()) {
            throw new ConfigException(BUCKET, "must be an S3 bucket name (3-63 of a-z 0-9 . -), got '" + bucket + "'");
        }
        String prefix = config.getString(PREFIX, "");
        if (!PREFIX_CHARS.matcher(prefix).matches() || prefix.startsWith("/") || prefix.contains("//")) {
            throw new ConfigException(PREFIX, "must be letters, digits and / _ . - (not starting with /), got '"
                    + prefix + "'");
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        Optional<URI> endpoint = config.get(ENDPOINT).map(String::trim).filter(s -> !s.isEmpty()).map(S3StoreConfig::endpoint);
        Optional<String> id = config.get(ACCESS_KEY_ID).map(String::trim).filter(s -> !s.isEmpty());
        Optional<String> secret = config.get(SECRET_ACCESS_KEY).map(String::trim).filter(s -> !s.isEmpty());
        if (id.isPresent() != secret.isPresent()) {
            throw new ConfigException(id.isPresent() ? SECRET_ACCESS_KEY : ACCESS_KEY_ID,
                    "must be set together with " + (id.isPresent() ? ACCESS_KEY_ID : SECRET_ACCESS_KEY)
                            + " (or leave both unset for the SDK's default credentials)");
        }
        ArchiveOptions defaults = ArchiveOptions.defaults();
        return new S3StoreConfig(bucket, prefix, config.getString(REGION, "us-east-1"), endpoint,
                config.getBoolean(PATH_STYLE, false),
                id.map(i -> new Credentials(i, secret.get())),
                config.getEnum(DURABILITY, S3Durability.class, S3Durability.STORED),
                (int) config.getBytes(SEGMENT_SIZE, 4L << 20, 64L << 10, 64L << 20),
                config.getDuration(FLUSH_INTERVAL, Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofMinutes(10)),
                config.getDuration(WRITER_LEASE, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1)),
                config.getInt(MAX_ATTEMPTS, 10, 1, 100),
                config.getDuration(REQUEST_TIMEOUT, Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofHours(1)),
                (int) config.getBytes(PART_SIZE, 8L << 20, MIN_PART_BYTES, 512L << 20),
                config.getInt(CHUNK_LEVEL, ChunkCodec.DEFAULT_LEVEL, 1, 19),
                new ArchiveOptions(
                        (int) config.getBytes(ARCHIVE_FRAME_SIZE, defaults.frameRawBytes(), ArchiveOptions.MIN_FRAME_RAW_BYTES, ArchiveOptions.MAX_FRAME_RAW_BYTES),
                        config.getInt(ARCHIVE_LEVEL, defaults.compressionLevel(), 1, 19)),
                config.getBytes(FRAME_CACHE_SIZE, StoreOptions.DEFAULT_FRAME_CACHE_BYTES, 0, 16L << 30),
                config.getBytes(METADATA_CACHE_SIZE, 16L << 20, 0, 16L << 30),
                config.getInt(MAX_OPEN_WRITERS, 1024, 1, 1_000_000),
                config.getDuration(FOLLOW_POLL_INTERVAL, Duration.ofMillis(250), Duration.ofMillis(10), Duration.ofMinutes(1)));
    }

    private static URI endpoint(String text) {
        try {
            URI uri = new URI(text);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null || uri.getUserInfo() != null) {
                throw new ConfigException(ENDPOINT, "must be an http(s) URL without credentials, such as "
                        + "http://127.0.0.1:9000");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(ENDPOINT, "is not a URL: " + e.getReason());
        }
    }

    /** Where this store's objects live, for messages: bucket and prefix, never credentials. */
    public String location() {
        return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public String toString() {
        return "S3StoreConfig[" + location() + ", region=" + region + ", endpoint=" + endpoint.map(URI::toString).orElse("(AWS)")
                + ", pathStyle=" + pathStyle + ", credentials=" + credentials.map(Credentials::toString).orElse("(default chain)")
                + ", durability=" + durability + ", segmentSize=" + segmentBytes + ", flushInterval=" + flushInterval
                + ", writerLease=" + writerLease + "]";
    }
}
