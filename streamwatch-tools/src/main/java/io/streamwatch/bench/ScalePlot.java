package io.streamwatch.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The scale mode's figure: the job's end-to-end throughput against records, and against series. Two
 * lines: events/s as measured, and what two cores would give at the CPU time the run spent per event
 * (engine, broker and database), which a machine shared with other work disturbs far less.
 */
final class ScalePlot {
    private static final int PANEL_WIDTH = 520;
    private static final int HEIGHT = 380;
    private static final int MARGIN = 70;
    private static final Color MEASURED = new Color(31, 119, 180);
    private static final Color CPU_BOUND = new Color(255, 127, 14);

    private ScalePlot() {}

    static void write(List<Report.ScalePoint> points, int seriesOfRecords, long recordsOfSeries, Path file)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(2 * PANEL_WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        double top = points.stream()
                        .mapToDouble(p -> Math.max(p.job().eventsPerSecond(), onTwoCores(p)))
                        .max()
                        .orElse(1)
                * 1.15;
        panel(
                g,
                0,
                points.stream().filter(p -> p.series() == seriesOfRecords).toList(),
                p -> p.records() / 1e6,
                String.format(Locale.ROOT, "records (millions), %,d series", seriesOfRecords),
                top);
        panel(
                g,
                PANEL_WIDTH,
                points.stream().filter(p -> p.records() == recordsOfSeries).toList(),
                p -> Math.log10(p.series()),
                String.format(Locale.ROOT, "series (log scale), %,d records", recordsOfSeries),
                top);
        g.dispose();
        if (file.toAbsolutePath().getParent() != null)
            Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(
            Graphics2D g,
            int left,
            List<Report.ScalePoint> points,
            ToDoubleFunction<Report.ScalePoint> x,
            String xLabel,
            double top) {
        int x0 = left + MARGIN;
        int x1 = left + PANEL_WIDTH - 20;
        int y0 = HEIGHT - 50;
        int y1 = 30;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawLine(x0, y0, x1, y0);
        g.drawLine(x0, y0, x0, y1);
        g.drawString(xLabel, x0 + 10, HEIGHT - 15);
        g.drawString("job end to end, events/s (RocksDB, exactly-once, Kafka to PostgreSQL)", x0, y1 - 16);
        g.setColor(MEASURED);
        g.drawString("measured", x0 + 10, y1 + 14);
        g.setColor(CPU_BOUND);
        g.drawString("2 cores / CPU time per event", x0 + 90, y1 + 14);
        g.setColor(Color.BLACK);
        for (int i = 0; i <= 4; i++) {
            double v = top * i / 4;
            int y = (int) (y0 - (y0 - y1) * (v / top));
            g.setColor(new Color(225, 225, 225));
            g.drawLine(x0 + 1, y, x1, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%,.0f", v), left + 5, y + 4);
        }
        if (points.isEmpty()) return;
        double lo = points.stream().mapToDouble(x).min().orElse(0);
        double hi = points.stream().mapToDouble(x).max().orElse(1);
        if (hi == lo) {
            lo -= 1;
            hi += 1;
        }
        double pad = (hi - lo) * 0.08;
        lo -= pad;
        hi += pad;
        line(g, points, x, p -> p.job().eventsPerSecond(), MEASURED, lo, hi, top, x0, x1, y0, y1);
        line(g, points, x, ScalePlot::onTwoCores, CPU_BOUND, lo, hi, top, x0, x1, y0, y1);
    }

    private static double onTwoCores(Report.ScalePoint p) {
        return 2 * p.records() / (p.job().totalCpuNanos() / 1e9);
    }

    private static void line(
            Graphics2D g,
            List<Report.ScalePoint> points,
            ToDoubleFunction<Report.ScalePoint> x,
            ToDoubleFunction<Report.ScalePoint> y,
            Color color,
            double lo,
            double hi,
            double top,
            int x0,
            int x1,
            int y0,
            int y1) {
        List<Report.ScalePoint> sorted = points.stream()
                .sorted((a, b) -> Double.compare(x.applyAsDouble(a), x.applyAsDouble(b)))
                .toList();
        int[] px = new int[sorted.size()];
        int[] py = new int[sorted.size()];
        for (int i = 0; i < sorted.size(); i++) {
            px[i] = (int) (x0 + (x1 - x0) * (x.applyAsDouble(sorted.get(i)) - lo) / (hi - lo));
            py[i] = (int) (y0 - (y0 - y1) * (y.applyAsDouble(sorted.get(i)) / top));
        }
        g.setStroke(new BasicStroke(2f));
        g.setColor(color);
        g.drawPolyline(px, py, px.length);
        for (int i = 0; i < sorted.size(); i++) {
            Report.ScalePoint p = sorted.get(i);
            g.setColor(color);
            g.fillOval(px[i] - 4, py[i] - 4, 8, 8);
            g.setColor(Color.BLACK);
            String label = String.format(
                    Locale.ROOT,
                    "%s: %,.0f",
                    sorted.stream().allMatch(q -> q.series() == p.series())
                            ? String.format(Locale.ROOT, "%.1fM", p.records() / 1e6)
                            : String.format(Locale.ROOT, "%,d", p.series()),
                    y.applyAsDouble(p));
            g.drawString(label, Math.max(x0 + 4, Math.min(px[i] - 30, x1 - 120)), py[i] - 10);
        }
    }
}
