package dev.cinch.logs.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class ExternalToolsTest {
    private static final String MISSING = "no-such-tool-for-this-test";

    @Test
    void missingToolFailsUnderCi() {
        assertThatThrownBy(() -> ExternalTools.require(MISSING, "nowhere", Map.of("PATH", "/nonexistent", "CI", "1")))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining(MISSING).hasMessageContaining("CI is set");
    }

    @Test
    void missingToolSkipsOutsideCi() {
        assertThatThrownBy(() -> ExternalTools.require(MISSING, "nowhere", Map.of("PATH", "/nonexistent")))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining(MISSING).hasMessageContaining("CI is not set");
    }

    @Test
    void presentToolIsFound() {
        assertThat(ExternalTools.require("sh", "coreutils", Map.of("PATH", "/nonexistent:/bin:/usr/bin", "CI", "1")))
                .isExecutable();
    }
}
