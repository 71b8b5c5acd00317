package dev.cinch.cli;

import picocli.CommandLine;

/**
 * The lines {@code cat --lines} prints, as {@code sed -n} addresses them: {@code A:B} is {@code sed -n 'A,Bp'} (a
 * {@code B} below {@code A} prints line {@code A} alone, as sed does), {@code A:} is {@code sed -n 'A,$p'} and
 * {@code A} is {@code sed -n 'Ap'}. Lines are numbered from 1 (sed refuses line 0 too).
 *
 * @param first the first line, 1 or more
 * @param last the last line, at least {@code first}; {@link Long#MAX_VALUE} for the end of the log
 */
record LineSpan(long first, long last) {

    /** Parses {@code A:B}, {@code A:} or {@code A}; anything else is a usage error naming the value. */
    static final class Converter implements CommandLine.ITypeConverter<LineSpan> {
        @Override
        public LineSpan convert(String value) {
            int colon = value.indexOf(':');
            if (colon != value.lastIndexOf(':')) {
                throw invalid(value);
            }
            long first = line(value, colon < 0 ? value : value.substring(0, colon));
            if (colon < 0) {
                return new LineSpan(first, first);
            }
            String rest = value.substring(colon + 1);
            if (rest.isEmpty()) {
                return new LineSpan(first, Long.MAX_VALUE);
            }
            return new LineSpan(first, Math.max(first, line(value, rest)));
        }

        private static long line(String value, String part) {
            if (part.isEmpty() || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw invalid(value);
            }
            long n;
            try {
                n = Long.parseLong(part);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException(Cinchlog.quoted(value) + " names a line beyond "
                        + Long.MAX_VALUE);
            }
            if (n == 0) {
                throw new CommandLine.TypeConversionException(Cinchlog.quoted(value)
                        + " names line 0; lines are numbered from 1");
            }
            return n;
        }

        private static CommandLine.TypeConversionException invalid(String value) {
            return new CommandLine.TypeConversionException(Cinchlog.quoted(value)
                    + " is not a line range: use A:B (lines A to B), A: (from line A to the end) or A (line A)");
        }
    }
}
