/*
 * The samples' figures as PNG files: line charts and scatter plots with XChart (rendered headless), and the
 * filled-contour decision boundary drawn with java.awt, since XChart has no contour plot.
 */
package dev.vela.samples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes the samples' plots.
 *
 * <pre>{@code
 * Plots.line(out.resolve("loss.png"), "Training loss", "iteration", "loss",
 *         List.of(new Plots.Series("loss", Plots.range(losses.length), losses)), false);
 * }</pre>
 */
final class Plots {

    static final int WIDTH = 900;
    static final int HEIGHT = 560;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private static final Font AXIS_TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    /** Class colours for scatter plots: red and blue, as scikit-learn's classifier comparison. */
    static final Color[] CLASS_COLORS = {new Color(0xE0, 0x20, 0x20), new Color(0x20, 0x40, 0xE0),
        new Color(0x20, 0xA0, 0x40), new Color(0xFF, 0x99, 0x00)};
    private static final Color[] LINE_COLORS = {new Color(0x1F, 0x77, 0xB4), new Color(0xFF, 0x7F, 0x0E),
        new Color(0x2C, 0xA0, 0x2C), new Color(0xD6, 0x27, 0x28)};

    private Plots() {
    }

    /** One named series of points. */
    record Series(String name, double[] x, double[] y) {
        Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length + " y values");
            }
        }
    }

    /** 0, 1, ..., n-1 (or from {@code start}): the x values of a history. */
    static double[] range(int n) {
        return range(0, n);
    }

    static double[] range(int start, int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = start + i;
        return r;
    }

    static double[] toArray(List<Double> values) {
        double[] r = new double[values.size()];
        for (int i = 0; i < r.length; i++) r[i] = values.get(i);
        return r;
    }

    /** A line chart of one or more histories; {@code logY} for losses that fall over orders of magnitude. */
    static Path line(Path file, String title, String xTitle, String yTitle, List<Series> series, boolean logY) {
        XYChart chart = chart(title, xTitle, yTitle);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setYAxisLogarithmic(logY);
        // XChart would print 0.05 as ".05", and mix "0.01" with "1E-4" on a log axis
        chart.getStyler().setYAxisDecimalPattern(logY ? "0E0" : "0.0###");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS); // never over a curve
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setSeriesColors(LINE_COLORS);
        for (Series s : series) {
            XYSeries xy = chart.addSeries(s.name(), unevenly(s.x()), s.y());
            xy.setMarker(SeriesMarkers.NONE);
            xy.setLineWidth(2.2f);
        }
        return save(chart, file);
    }

    /**
     * XChart puts the ticks of equally spaced x values (a history's 0, 1, 2 ...) on data values, at a spacing that
     * crowds the labels of a long history (0, 34, 68 ...); shifting the last value by a negligible amount makes it
     * choose round ticks instead.
     */
    private static double[] unevenly(double[] x) {
        if (x.length <= 30) return x; // few values: ticks on the data values are what we want
        double[] r = x.clone();
        r[r.length - 1] += 1e-6 * Math.abs(r[r.length - 1] - r[0]);
        return r;
    }

    /** A scatter plot, one series (and one legend entry) per class. */
    static Path scatter(Path file, String title, String xTitle, String yTitle, List<Series> series) {
        XYChart chart = chart(title, xTitle, yTitle);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(7);
        chart.getStyler().setYAxisDecimalPattern("0.0##");
        chart.getStyler().setXAxisDecimalPattern("0.0##");
        chart.getStyler().setSeriesColors(CLASS_COLORS);
        for (Series s : series) {
            XYSeries xy = chart.addSeries(s.name(), s.x(), s.y());
            xy.setMarker(SeriesMarkers.CIRCLE);
        }
        return save(chart, file);
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        Styler st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotBorderColor(Color.DARK_GRAY);
        st.setChartTitleFont(TITLE);
        st.setLegendFont(LEGEND);
        st.setLegendPosition(Styler.LegendPosition.InsideNE);
        st.setLegendBorderColor(Color.GRAY);
        st.setChartFontColor(Color.BLACK);
        st.setAntiAlias(true);
        chart.getStyler().setAxisTitleFont(AXIS_TITLE);
        chart.getStyler().setAxisTickLabelsFont(TICKS);
        chart.getStyler().setPlotGridLinesColor(new Color(0xDD, 0xDD, 0xDD));
        chart.getStyler().setChartPadding(12);
        chart.getStyler().setXAxisTickMarkSpacingHint(90);
        chart.getStyler().setYAxisTickMarkSpacingHint(60);
        return chart;
    }

    private static Path save(XYChart chart, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    // ================================================================== decision boundary (filled contour)

    /** matplotlib's RdBu colour map (11 anchors): red at 0, near-white at 0.5, blue at 1. */
    private static final int[] RDBU = {0x67001F, 0xB2182B, 0xD6604D, 0xF4A582, 0xFDDBC7, 0xF7F7F7,
        0xD1E5F0, 0x92C5DE, 0x4393C3, 0x2166AC, 0x053061};

    /** The colour of {@code v} in [0, 1] on the RdBu map, blended 80 % over white as contourf(alpha=.8). */
    static Color colorMap(double v) {
        double t = Math.max(0, Math.min(1, v)) * (RDBU.length - 1);
        int i = Math.min(RDBU.length - 2, (int) Math.floor(t));
        double f = t - i;
        int a = RDBU[i], b = RDBU[i + 1];
        double alpha = 0.8;
        int[] rgb = new int[3];
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            double ca = (a >> shift) & 0xFF, cb = (b >> shift) & 0xFF;
            double mix = ca + (cb - ca) * f;
            rgb[c] = (int) Math.round(alpha * mix + (1 - alpha) * 255);
        }
        return new Color(rgb[0], rgb[1], rgb[2]);
    }

    /**
     * Draws {@code prob[iy][ix]} (the value at {@code (gx[ix], gy[iy])}) as a filled contour with {@code levels}
     * bands, the 0.5 level as a line, the points on top (one legend entry per series), axes with ticks and labels,
     * and a colour bar with labels.
     */
    static Path decisionBoundary(Path file, String title, String xTitle, String yTitle, String barTitle,
            double[] gx, double[] gy, double[][] prob, List<Series> points, int levels) {
        int w = WIDTH, h = 700;
        int left = 80, right = 150, top = 50, bottom = 70;
        int pw = w - left - right, ph = h - top - bottom;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double x0 = gx[0], x1 = gx[gx.length - 1], y0 = gy[0], y1 = gy[gy.length - 1];

        // filled contour: each pixel takes the band of the bilinearly interpolated grid value
        for (int py = 0; py < ph; py++) {
            double fy = (1 - (py + 0.5) / ph) * (gy.length - 1);
            for (int px = 0; px < pw; px++) {
                double fx = (px + 0.5) / pw * (gx.length - 1);
                double v = bilinear(prob, fx, fy);
                int band = Math.min(levels - 1, (int) Math.floor(v * levels));
                img.setRGB(left + px, top + py, colorMap((band + 0.5) / levels).getRGB());
            }
        }
        // the 0.5 level (the decision boundary) by marching squares over the grid
        g.setColor(new Color(0x20, 0x20, 0x20));
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {7f, 5f}, 0f));
        for (int iy = 0; iy + 1 < gy.length; iy++) {
            for (int ix = 0; ix + 1 < gx.length; ix++) {
                double[] seg = isoSegment(prob, ix, iy, 0.5);
                if (seg == null) continue;
                for (int k = 0; k + 3 < seg.length; k += 4) {
                    double ax = lerp(gx, seg[k]), ay = lerp(gy, seg[k + 1]), bx = lerp(gx, seg[k + 2]), by = lerp(gy, seg[k + 3]);
                    g.draw(new Line2D.Double(sx(ax, x0, x1, left, pw), sy(ay, y0, y1, top, ph),
                            sx(bx, x0, x1, left, pw), sy(by, y0, y1, top, ph)));
                }
            }
        }
        // the points, clipped to the plot
        g.setClip(left, top, pw, ph);
        g.setStroke(new BasicStroke(0.8f));
        for (int s = 0; s < points.size(); s++) {
            Series ser = points.get(s);
            for (int i = 0; i < ser.x().length; i++) {
                double cx = sx(ser.x()[i], x0, x1, left, pw), cy = sy(ser.y()[i], y0, y1, top, ph);
                Ellipse2D dot = new Ellipse2D.Double(cx - 4, cy - 4, 8, 8);
                g.setColor(CLASS_COLORS[s % CLASS_COLORS.length]);
                g.fill(dot);
                g.setColor(Color.BLACK);
                g.draw(dot);
            }
        }
        g.setClip(null);
        // frame, ticks, labels
        g.setStroke(new BasicStroke(1.2f));
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        g.setFont(TICKS);
        FontMetrics fm = g.getFontMetrics();
        for (double t : ticks(x0, x1)) {
            int px = (int) Math.round(sx(t, x0, x1, left, pw));
            g.drawLine(px, top + ph, px, top + ph + 6);
            String lab = tickLabel(t);
            g.drawString(lab, px - fm.stringWidth(lab) / 2, top + ph + 8 + fm.getAscent());
        }
        for (double t : ticks(y0, y1)) {
            int py = (int) Math.round(sy(t, y0, y1, top, ph));
            g.drawLine(left - 6, py, left, py);
            String lab = tickLabel(t);
            g.drawString(lab, left - 9 - fm.stringWidth(lab), py + fm.getAscent() / 2 - 1);
        }
        g.setFont(AXIS_TITLE);
        fm = g.getFontMetrics();
        g.drawString(xTitle, left + (pw - fm.stringWidth(xTitle)) / 2, h - 18);
        drawVertical(g, yTitle, 24, top + ph / 2);
        g.setFont(TITLE);
        fm = g.getFontMetrics();
        g.drawString(title, (w - fm.stringWidth(title)) / 2, 32);
        // legend of the point series, in the upper left corner of the plot
        g.setFont(LEGEND);
        fm = g.getFontMetrics();
        int lw = 0;
        for (Series s : points) lw = Math.max(lw, fm.stringWidth(s.name()));
        lw += 44;
        int lh = 10 + 22 * points.size() + 22;
        int lx = left + 10, ly = top + 10;
        g.setColor(new Color(255, 255, 255, 225));
        g.fillRect(lx, ly, lw, lh);
        g.setColor(Color.GRAY);
        g.drawRect(lx, ly, lw, lh);
        for (int s = 0; s < points.size(); s++) {
            int cy = ly + 18 + 22 * s;
            Ellipse2D dot = new Ellipse2D.Double(lx + 12, cy - 5, 10, 10);
            g.setColor(CLASS_COLORS[s % CLASS_COLORS.length]);
            g.fill(dot);
            g.setColor(Color.BLACK);
            g.draw(dot);
            g.drawString(points.get(s).name(), lx + 32, cy + fm.getAscent() / 2 - 1);
        }
        int cy = ly + 18 + 22 * points.size();
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {7f, 5f}, 0f));
        g.drawLine(lx + 6, cy, lx + 28, cy);
        g.setStroke(new BasicStroke(1.2f));
        g.drawString("p = 0.5", lx + 32, cy + fm.getAscent() / 2 - 1);
        // colour bar with its bands, ticks and title
        int bx = left + pw + 30, bw = 24, by = top, bh = ph;
        for (int py = 0; py < bh; py++) {
            double v = 1 - (py + 0.5) / bh;
            int band = Math.min(levels - 1, (int) Math.floor(v * levels));
            g.setColor(colorMap((band + 0.5) / levels));
            g.drawLine(bx, by + py, bx + bw, by + py);
        }
        g.setColor(Color.BLACK);
        g.drawRect(bx, by, bw, bh);
        g.setFont(TICKS);
        fm = g.getFontMetrics();
        for (int k = 0; k <= 5; k++) {
            double v = k / 5.0;
            int py = (int) Math.round(by + (1 - v) * bh);
            g.drawLine(bx + bw, py, bx + bw + 5, py);
            String lab = String.format(Locale.ROOT, "%.1f", v);
            g.drawString(lab, bx + bw + 8, py + fm.getAscent() / 2 - 1);
        }
        g.setFont(AXIS_TITLE);
        drawVertical(g, barTitle, bx + bw + 62, by + bh / 2);
        g.dispose();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private static void drawVertical(Graphics2D g, String text, int x, int centerY) {
        FontMetrics fm = g.getFontMetrics();
        var saved = g.getTransform();
        g.translate(x, centerY);
        g.rotate(-Math.PI / 2);
        g.drawString(text, -fm.stringWidth(text) / 2, 0);
        g.setTransform(saved);
    }

    private static double sx(double x, double x0, double x1, int left, int pw) {
        return left + (x - x0) / (x1 - x0) * pw;
    }

    private static double sy(double y, double y0, double y1, int top, int ph) {
        return top + (1 - (y - y0) / (y1 - y0)) * ph;
    }

    /** The coordinate at fractional grid index {@code f}. */
    private static double lerp(double[] grid, double f) {
        int i = Math.min(grid.length - 2, (int) Math.floor(f));
        return grid[i] + (grid[i + 1] - grid[i]) * (f - i);
    }

    private static double bilinear(double[][] p, double fx, double fy) {
        int ix = Math.min(p[0].length - 2, (int) Math.floor(fx)), iy = Math.min(p.length - 2, (int) Math.floor(fy));
        double tx = fx - ix, ty = fy - iy;
        double a = p[iy][ix] * (1 - tx) + p[iy][ix + 1] * tx;
        double b = p[iy + 1][ix] * (1 - tx) + p[iy + 1][ix + 1] * tx;
        return a * (1 - ty) + b * ty;
    }

    /**
     * Marching squares on the cell with lower-left corner {@code (ix, iy)}: the segments (as fractional grid
     * indices x, y, x, y ...) where the interpolated field crosses {@code level}, or null.
     */
    private static double[] isoSegment(double[][] p, int ix, int iy, double level) {
        double v00 = p[iy][ix], v10 = p[iy][ix + 1], v01 = p[iy + 1][ix], v11 = p[iy + 1][ix + 1];
        // crossing points on the four edges: bottom, right, top, left
        double[][] pts = new double[4][];
        int n = 0;
        if ((v00 < level) != (v10 < level)) pts[n++] = new double[] {ix + (level - v00) / (v10 - v00), iy};
        if ((v10 < level) != (v11 < level)) pts[n++] = new double[] {ix + 1, iy + (level - v10) / (v11 - v10)};
        if ((v01 < level) != (v11 < level)) pts[n++] = new double[] {ix + (level - v01) / (v11 - v01), iy + 1};
        if ((v00 < level) != (v01 < level)) pts[n++] = new double[] {ix, iy + (level - v00) / (v01 - v00)};
        if (n == 2) return new double[] {pts[0][0], pts[0][1], pts[1][0], pts[1][1]};
        if (n == 4) { // a saddle: pair the crossings by the centre value
            double c = (v00 + v10 + v01 + v11) / 4;
            boolean joinBottomLeft = (c < level) == (v00 < level);
            return joinBottomLeft
                    ? new double[] {pts[0][0], pts[0][1], pts[1][0], pts[1][1], pts[2][0], pts[2][1], pts[3][0], pts[3][1]}
                    : new double[] {pts[0][0], pts[0][1], pts[3][0], pts[3][1], pts[1][0], pts[1][1], pts[2][0], pts[2][1]};
        }
        return null;
    }

    /** About six round tick values inside [lo, hi]. */
    static double[] ticks(double lo, double hi) {
        double raw = (hi - lo) / 6;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * mag >= raw) {
                step = m * mag;
                break;
            }
        }
        double first = Math.ceil(lo / step - 1e-9) * step;
        int n = (int) Math.floor((hi - first) / step + 1e-9) + 1;
        double[] t = new double[Math.max(0, n)];
        for (int i = 0; i < t.length; i++) t[i] = first + i * step;
        return t;
    }

    private static String tickLabel(double t) {
        if (Math.abs(t) < 1e-9) t = 0;
        String s = String.format(Locale.ROOT, "%.2f", t);
        s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s;
    }
}
