package dev.cinch.logs.text;

import dev.cinch.logs.InvalidPatternException;
import dev.cinch.logs.JobId;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a search pattern to a {@link Pattern} over a line's bytes seen as ISO-8859-1 characters (one char per
 * byte, {@code char == byte & 0xFF}), so that a log that is not valid UTF-8 is still searched exactly and a match
 * position is a byte position.
 *
 * <p>The pattern itself is text: each non-ASCII character in it is rewritten to the ISO-8859-1 characters of its
 * UTF-8 bytes, so {@code ü} finds the bytes {@code C3 BC}. In a regular expression that rewrite is a group of byte
 * escapes, {@code (?:\xC3\xBC)}, so a quantifier after it repeats the whole character. A character class cannot hold a
 * non-ASCII character (it would stand for one of several bytes, not for the character) and is refused. Inside a
 * bracket expression, a POSIX class such as {@code [:digit:]} means what it means to grep ({@code \p{Digit}});
 * Java alone would read it as the set of the letters {@code :digt}.
 *
 * <p>Flags: {@link Pattern#UNIX_LINES}, so {@code .} matches every byte but {@code \n} (which never occurs in a
 * line) and {@code $} only matches at the line's end, as in grep (without it Java's {@code .} would skip {@code \r}
 * and {@code 0x85}); {@link Pattern#CASE_INSENSITIVE} without {@code UNICODE_CASE} for {@code ignoreCase}, which
 * folds ASCII letters only.
 */
final class BytePattern {
    private static final Map<String, String> POSIX_CLASSES = Map.ofEntries(
            Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"), Map.entry("blank", "\\p{Blank}"),
            Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"), Map.entry("graph", "\\p{Graph}"),
            Map.entry("lower", "\\p{Lower}"), Map.entry("print", "\\p{Print}"), Map.entry("punct", "\\p{Punct}"),
            Map.entry("space", "\\p{Space}"), Map.entry("upper", "\\p{Upper}"), Map.entry("xdigit", "\\p{XDigit}"));

    private BytePattern() {
    }

    /** The compiled pattern, or {@link InvalidPatternException} with the description and the index in {@code pattern}. */
    static Pattern compile(JobId job, String pattern, SearchOptions options) {
        if (options.fixedStrings()) {
            return Pattern.compile(latin1(pattern), Pattern.LITERAL | (options.ignoreCase() ? Pattern.CASE_INSENSITIVE : 0));
        }
        Translation t = translate(job, pattern, leadingDotStars(pattern));
        try {
            return Pattern.compile(t.regex(), Pattern.UNIX_LINES | (options.ignoreCase() ? Pattern.CASE_INSENSITIVE : 0));
        } catch (PatternSyntaxException e) {
            int index = e.getIndex() < 0 ? -1 : t.originalIndex(e.getIndex());
            throw new InvalidPatternException(job, pattern, e.getDescription(), index);
        }
    }

    /** {@code text}'s UTF-8 bytes, one ISO-8859-1 char per byte. */
    static String latin1(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** A rewritten regex and, for each of its chars, the index in the original pattern it came from. */
    record Translation(String regex, int[] origin, int end) {
        int originalIndex(int translatedIndex) {
            return translatedIndex >= origin.length ? end : origin[translatedIndex];
        }
    }

    /**
     * How many chars of {@code .*} (greedy or lazy) open the pattern. They cannot change whether a line holds a match
     * ({@code .} matches every byte of a line, and {@code *} may match none), but Java's engine pays for them: from
     * each start position {@code .*} runs to the line's end and backs off, so {@code .*error.*}, a habit from tools
     * that match whole lines, costs the square of a line's length when the line does not match. They are dropped.
     * A possessive {@code .*+} is kept, as it does change the answer.
     */
    static int leadingDotStars(String pattern) {
        int i = 0;
        while (pattern.startsWith(".*", i) && !pattern.startsWith(".*+", i)) {
            i += pattern.startsWith(".*?", i) ? 3 : 2;
        }
        return i;
    }

    /** Rewrites {@code pattern} from index {@code from} on (see the class comment). */
    static Translation translate(JobId job, String pattern, int from) {
        StringBuilder out = new StringBuilder(pattern.length() + 16);
        int[] origin = new int[pattern.length() * 4 + 16];
        int classDepth = 0;
        int classStart = -1; // index of the innermost class's first member, to tell a leading ']' (a member) from a closing one
        boolean quoted = false;
        int i = from;
        while (i < pattern.length()) {
            int c = pattern.codePointAt(i);
            int width = Character.charCount(c);
            if (origin.length < out.length() + 32) {
                origin = java.util.Arrays.copyOf(origin, origin.length * 2 + 32);
            }
            if (quoted) {
                if (c == '\\' && pattern.startsWith("E", i + 1)) {
                    quoted = false;
                    i = emit(out, origin, "\\E", i, 2);
                } else if (c > 0x7F && classDepth > 0) {
                    throw nonAsciiInClass(job, pattern, i);
                } else {
                    i = emit(out, origin, latin1(pattern.substring(i, i + width)), i, width);
                }
                continue;
            }
            if (c == '\\') {
                if (i + 1 >= pattern.length()) {
                    i = emit(out, origin, "\\", i, 1); // Pattern reports the dangling backslash
                    continue;
                }
                int next = pattern.codePointAt(i + 1);
                if (next == 'Q') {
                    quoted = true;
                    i = emit(out, origin, "\\Q", i, 2);
                } else if (next > 0x7F) {
                    // an escaped non-ASCII character is that character
                    int w = Character.charCount(next);
                    if (classDepth > 0) {
                        throw nonAsciiInClass(job, pattern, i + 1);
                    }
                    emit(out, origin, literalGroup(pattern.substring(i + 1, i + 1 + w)), i, 1);
                    i += 1 + w;
                } else {
                    i = emit(out, origin, pattern.substring(i, i + 2), i, 2);
                }
                continue;
            }
            if (c > 0x7F) {
                if (classDepth > 0) {
                    throw nonAsciiInClass(job, pattern, i);
                }
                i = emit(out, origin, literalGroup(pattern.substring(i, i + width)), i, width);
                continue;
            }
            if (classDepth > 0) {
                if (c == '[' && pattern.startsWith("[:", i)) {
                    int end = pattern.indexOf(":]", i + 2);
                    String posix = end < 0 ? null : POSIX_CLASSES.get(pattern.substring(i + 2, end));
                    if (posix != null) {
                        i = emit(out, origin, posix, i, end + 2 - i);
                        continue;
                    }
                }
                if (c == '[') {
                    classDepth++;
                    i = emit(out, origin, "[", i, 1);
                    classStart = afterCaret(pattern, i);
                    if (classStart > i) {
                        i = emit(out, origin, "^", i, 1);
                    }
                    continue;
                }
                if (c == ']' && i != classStart) {
                    classDepth--;
                }
                i = emit(out, origin, String.valueOf((char) c), i, 1);
                continue;
            }
            if (c == '[') {
                classDepth = 1;
                i = emit(out, origin, "[", i, 1);
                classStart = afterCaret(pattern, i);
                if (classStart > i) {
                    i = emit(out, origin, "^", i, 1);
                }
                continue;
            }
            i = emit(out, origin, String.valueOf((char) c), i, 1);
        }
        return new Translation(out.toString(), java.util.Arrays.copyOf(origin, out.length()), pattern.length());
    }

    /** The index of a class's first member, given the index just after its '[' (skipping a negating '^'). */
    private static int afterCaret(String pattern, int i) {
        return i < pattern.length() && pattern.charAt(i) == '^' ? i + 1 : i;
    }

    /**
     * The character's UTF-8 bytes as {@code \xhh} escapes in a group. Escapes rather than {@link Pattern#quote}:
     * Pattern rewrites {@code \Q...\E} before parsing, so the index of a later syntax error would no longer point
     * into the pattern as given.
     */
    private static String literalGroup(String character) {
        StringBuilder sb = new StringBuilder("(?:");
        for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
            sb.append(String.format("\\x%02X", b & 0xFF));
        }
        return sb.append(')').toString();
    }

    /** Appends {@code text}, all of it coming from {@code from} in the original; returns the next original index. */
    private static int emit(StringBuilder out, int[] origin, String text, int from, int consumed) {
        for (int k = 0; k < text.length(); k++) {
            origin[out.length() + k] = from;
        }
        out.append(text);
        return from + consumed;
    }

    private static InvalidPatternException nonAsciiInClass(JobId job, String pattern, int index) {
        return new InvalidPatternException(job, pattern, "a character class cannot hold the non-ASCII character '"
                + new String(Character.toChars(pattern.codePointAt(index))) + "': lines are matched as bytes, where it is "
                + "several; use an alternation such as (ü|ö) instead", index);
    }
}
