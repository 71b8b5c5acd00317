package dev.cinch.logs;

/** A job id that does not match {@code [A-Za-z0-9_-]{1,128}}; nothing is created for it anywhere. */
public class InvalidJobIdException extends LogStoreException {
    public InvalidJobIdException(String rejected) {
        super(null, "invalid job id " + quote(rejected)
                + ": must be 1 to " + JobId.MAX_LENGTH + " characters of A-Z a-z 0-9 _ -");
    }

    /** Quotes the rejected id so that control characters cannot forge log lines. */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("'");
        int limit = Math.min(s.length(), 160);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (s.length() > limit) {
            sb.append("...(").append(s.length()).append(" chars)");
        }
        return sb.append('\'').toString();
    }
}
