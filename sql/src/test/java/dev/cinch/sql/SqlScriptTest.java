package dev.cinch.sql;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlScriptTest {
    @Test
    void scriptsSplitOnSemicolonsOutsideQuotesAndComments() {
        assertThat(SqlScript.split("-- a; comment\nCREATE TABLE a (x TEXT DEFAULT 'a;b');\n\nCREATE INDEX i ON a(x);"))
                .containsExactly("CREATE TABLE a (x TEXT DEFAULT 'a;b')", "CREATE INDEX i ON a(x)");
        assertThat(SqlScript.split("SELECT 'it''s; fine'")).containsExactly("SELECT 'it''s; fine'");
        assertThatThrownBy(() -> SqlScript.split("CREATE FUNCTION f() AS $$ x $$")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dollar quoting");
        assertThatThrownBy(() -> SqlScript.split("SELECT 'open")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unterminated quote");
    }
}
