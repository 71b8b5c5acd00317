package dev.cinch.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a migration file into statements at semicolons outside quotes and comments. Our migrations hold only
 * DDL, so this is enough; dollar-quoted bodies (functions, triggers) are deliberately not supported and rejected,
 * rather than split in the wrong place.
 */
public final class SqlScript {
    private SqlScript() {
    }

    public static List<String> split(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int n = script.length();
        for (int i = 0; i < n; i++) {
            char ch = script.charAt(i);
            if (ch == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                i = end < 0 ? n : end;
                current.append('\n');
                continue;
            }
            if (ch == '$') {
                throw new IllegalArgumentException("migration scripts may not use dollar quoting (found '$' at offset " + i + ")");
            }
            if (ch == '\'' || ch == '"') {
                int end = i + 1;
                while (end < n) {
                    if (script.charAt(end) == ch) {
                        if (end + 1 < n && script.charAt(end + 1) == ch) {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                if (end >= n) {
                    throw new IllegalArgumentException("unterminated quote starting at offset " + i + " in a migration script");
                }
                current.append(script, i, end + 1);
                i = end;
                continue;
            }
            if (ch == ';') {
                addIfNotBlank(out, current);
                current.setLength(0);
                continue;
            }
            current.append(ch);
        }
        addIfNotBlank(out, current);
        return out;
    }

    private static void addIfNotBlank(List<String> out, StringBuilder sb) {
        String s = sb.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
    }
}
