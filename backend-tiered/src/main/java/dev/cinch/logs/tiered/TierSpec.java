package dev.cinch.logs.tiered;

import java.time.Duration;
import java.util.Objects;

/**
 * One named tier: which store holds its logs and when a sealed log moves into it from the tier above.
 *
 * @param name the tier's name ({@code ssd}, {@code hdd}, {@code archive}): what {@code stat} shows as the tier
 * @param store the provider of its store ({@code fs}, {@code db}, {@code s3})
 * @param archiveAfter a log moves into this tier once it has been sealed this long (ignored for the hot tier)
 * @param archiveLargerThan a log of at least this many bytes moves into this tier as soon as it is sealed, whatever
 *     its age; {@link Long#MAX_VALUE} for no size rule
 * @param recompress whether a log moving into this tier is re-encoded with this tier's archive options (frame size,
 *     zstd level) when they differ from those of the tier it comes from; otherwise its archive is copied as it is
 */
public record TierSpec(String name, String store, Duration archiveAfter, long archiveLargerThan, boolean recompress) {
    public TierSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(archiveAfter, "archiveAfter");
    }
}
