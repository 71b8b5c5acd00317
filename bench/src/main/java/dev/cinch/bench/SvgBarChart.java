package dev.cinch.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A hand-written SVG grouped bar chart with a log-scale axis (scores span several orders of magnitude). Panels are
 * stacked vertically; each panel has groups (e.g. "group / 4 KiB / 1 job") of bars, one per series (a store or a
 * baseline), with the same colour for a series in every group.
 */
final class SvgBarChart {
    /** One bar: which series, in which group, its value (missing values are left out). */
    record Bar(String group, String series, double value) {
    }

    /** One panel of the chart. */
    record Panel(String title, String axisLabel, List<Bar> bars) {
    }

    private static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
    private static final int WIDTH = 1100;
    private static final int PANEL_HEIGHT = 330;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 50;
    private static final int BOTTOM = 80;

    private final String title;
    private final List<Panel> panels = new ArrayList<>();

    SvgBarChart(String title) {
        this.title = title;
    }

    SvgBarChart add(Panel panel) {
        if (!panel.bars().isEmpty()) {
            panels.add(panel);
        }
        return this;
    }

    String render() {
        int height = 40 + panels.size() * (PANEL_HEIGHT + TOP + BOTTOM);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, height, WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">%s</text>%n", LEFT, esc(title)));
        int y = 40;
        for (Panel panel : panels) {
            renderPanel(svg, panel, y);
            y += PANEL_HEIGHT + TOP + BOTTOM;
        }
        return svg.append("</svg>\n").toString();
    }

    private void renderPanel(StringBuilder svg, Panel panel, int top) {
        Set<String> groups = new LinkedHashSet<>();
        Set<String> series = new LinkedHashSet<>();
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Bar b : panel.bars()) {
            groups.add(b.group());
            series.add(b.series());
            if (b.value() > 0) {
                min = Math.min(min, b.value());
                max = Math.max(max, b.value());
            }
        }
        double lo = Math.floor(Math.log10(min));
        double hi = Math.ceil(Math.log10(max));
        if (hi <= lo) {
            hi = lo + 1;
        }
        int plotTop = top + TOP;
        int plotBottom = plotTop + PANEL_HEIGHT;
        int plotWidth = WIDTH - LEFT - RIGHT;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\" font-weight=\"bold\">%s</text>%n",
                LEFT, top + 18, esc(panel.title())));
        // Legend.
        int lx = LEFT;
        List<String> seriesList = new ArrayList<>(series);
        for (int i = 0; i < seriesList.size(); i++) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", lx, top + 28, COLOURS[i % COLOURS.length], lx + 14, top + 37,
                    esc(seriesList.get(i))));
            lx += 24 + 7 * seriesList.get(i).length();
        }
        // Axis with a line per power of ten.
        for (double e = lo; e <= hi; e++) {
            double yy = plotBottom - (e - lo) / (hi - lo) * PANEL_HEIGHT;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, WIDTH - RIGHT, yy, yy, LEFT - 4, yy + 4,
                    esc(powerLabel((int) e))));
        }
        svg.append(String.format(Locale.ROOT, "<text transform=\"translate(14,%d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
                (plotTop + plotBottom) / 2, esc(panel.axisLabel())));
        List<String> groupList = new ArrayList<>(groups);
        double groupWidth = (double) plotWidth / groupList.size();
        double barWidth = Math.max(2, (groupWidth - 8) / seriesList.size());
        for (int g = 0; g < groupList.size(); g++) {
            double gx = LEFT + g * groupWidth + 4;
            for (Bar b : panel.bars()) {
                if (!b.group().equals(groupList.get(g)) || b.value() <= 0) {
                    continue;
                }
                int s = seriesList.indexOf(b.series());
                double h = Math.max(1, (Math.log10(b.value()) - lo) / (hi - lo) * PANEL_HEIGHT);
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                        + "<title>%s, %s: %s</title></rect>%n", gx + s * barWidth, plotBottom - h, barWidth - 1, h,
                        COLOURS[s % COLOURS.length], esc(b.group()), esc(b.series()), esc(ReportFormat.number(b.value()))));
            }
            double cx = gx + groupWidth / 2 - 4;
            svg.append(String.format(Locale.ROOT, "<text transform=\"translate(%.1f,%d) rotate(-40)\" text-anchor=\"end\">%s</text>%n",
                    cx, plotBottom + 12, esc(groupList.get(g))));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                LEFT, WIDTH - RIGHT, plotBottom, plotBottom));
    }

    private static String powerLabel(int exponent) {
        return exponent >= 0 && exponent <= 6 ? String.format(Locale.ROOT, "%,d", (long) Math.pow(10, exponent)) : "1e" + exponent;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
