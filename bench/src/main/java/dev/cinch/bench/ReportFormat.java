package dev.cinch.bench;

import java.util.Locale;

/** Number formatting for the report: three significant digits, thousands separators, ratios with an x. */
final class ReportFormat {
    private ReportFormat() {
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** {@code score ± error}; JMH gives no error below three iterations (the smoke profile), shown as n/a. */
    static String scoreWithError(JmhResult r) {
        if (r == null) {
            return "—";
        }
        return number(r.score()) + " ± " + (Double.isNaN(r.error()) ? "n/a" : number(r.error()));
    }

    static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "—" : number(v) + "x";
    }
}
