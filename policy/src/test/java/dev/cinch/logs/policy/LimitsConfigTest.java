package dev.cinch.logs.policy;

import dev.cinch.logs.JobId;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code limits.keep-head} and {@code limits.keep-tail}: sizes, defaults, and flags over config. */
class LimitsConfigTest {
    private static final JobId JOB = JobId.of("j");

    @Test
    void neitherKeySetMeansNoLimitAndAnEndNotSetKeepsNothing() {
        assertThat(LimitsConfig.configured(CinchConfig.of(Map.of())).limitOf(JOB)).isEmpty();
        assertThat(LimitsConfig.configured(CinchConfig.of(Map.of("limits.keep-head", "1MiB"))).limitOf(JOB))
                .contains(new SizeLimit(1 << 20, 0));
        assertThat(LimitsConfig.configured(CinchConfig.of(Map.of("limits.keep-head", "64KiB", "limits.keep-tail", "2MiB")))
                .limitOf(JOB)).contains(new SizeLimit(64 << 10, 2 << 20));
    }

    @Test
    void flagsWinKeyByKey() {
        CinchConfig config = CinchConfig.of(Map.of("limits.keep-head", "1MiB", "limits.keep-tail", "1MiB"));
        assertThat(LimitsConfig.limit(config, Optional.empty(), Optional.of(4096L))).contains(new SizeLimit(1 << 20, 4096));
        assertThat(LimitsConfig.limit(CinchConfig.of(Map.of()), Optional.of(0L), Optional.empty())).contains(new SizeLimit(0, 0));
    }

    @Test
    void sizesAreZeroOrAtLeastOneKibibyte() {
        assertThat(LimitsConfig.problem(0)).isEmpty();
        assertThat(LimitsConfig.problem(1024)).isEmpty();
        assertThat(LimitsConfig.problem(1023)).hasValueSatisfying(p -> assertThat(p).contains("at least 1KiB"));
        assertThat(LimitsConfig.problem(-1)).isPresent();
        assertThatThrownBy(() -> LimitsConfig.configured(CinchConfig.of(Map.of("limits.keep-tail", "100"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("limits.keep-tail").hasMessageContaining("1KiB");
        assertThatThrownBy(() -> LimitsConfig.configured(CinchConfig.of(Map.of("limits.keep-head", "lots"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("limits.keep-head");
    }

    @Test
    void sizesPrintInTheLargestUnitThatDividesThem() {
        assertThat(new SizeLimit(1 << 20, 512 << 10)).hasToString("keep-head 1 MiB, keep-tail 512 KiB");
        assertThat(SizeLimit.formatSize(3L << 30)).isEqualTo("3 GiB");
        assertThat(SizeLimit.formatSize(1500)).isEqualTo("1500 B");
        assertThat(SizeLimit.formatSize(0)).isEqualTo("0 B");
    }
}
