package dev.cinch.logs.s3;

/**
 * A stored segment as a listing (or the PUT that stored it) names it: enough to find a seq or a raw offset without
 * reading it.
 */
record SegmentRef(String key, String etag, long size, long firstSeq, long rawStart) {
    String cacheKey() {
        return key + "@" + etag;
    }
}
