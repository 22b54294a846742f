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

/** The scale mode's figure: the job's end-to-end throughput against records, and against series. */
final class ScalePlot {
    private static final int PANEL_WIDTH = 520;
    private static final int HEIGHT = 380;
    private static final int MARGIN = 70;

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
                        .mapToDouble(p -> p.job().eventsPerSecond())
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
        g.drawString("job end to end, events/s (RocksDB, exactly-once, Kafka to PostgreSQL)", x0, y1 - 12);
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
        g.setStroke(new BasicStroke(2f));
        int[] px = new int[points.size()];
        int[] py = new int[points.size()];
        List<Report.ScalePoint> sorted = points.stream()
                .sorted((a, b) -> Double.compare(x.applyAsDouble(a), x.applyAsDouble(b)))
                .toList();
        for (int i = 0; i < sorted.size(); i++) {
            Report.ScalePoint p = sorted.get(i);
            px[i] = (int) (x0 + (x1 - x0) * (x.applyAsDouble(p) - lo) / (hi - lo));
            py[i] = (int) (y0 - (y0 - y1) * (p.job().eventsPerSecond() / top));
        }
        g.setColor(new Color(31, 119, 180));
        g.drawPolyline(px, py, px.length);
        for (int i = 0; i < sorted.size(); i++) {
            Report.ScalePoint p = sorted.get(i);
            g.fillOval(px[i] - 4, py[i] - 4, 8, 8);
            g.setColor(Color.BLACK);
            String label = String.format(
                    Locale.ROOT,
                    "%s: %,.0f",
                    p.series() == sorted.get(0).series()
                                            && sorted.size() > 1
                                            && p.records() != sorted.get(0).records()
                                    || sorted.stream().allMatch(q -> q.series() == p.series())
                            ? String.format(Locale.ROOT, "%.1fM", p.records() / 1e6)
                            : String.format(Locale.ROOT, "%,d", p.series()),
                    p.job().eventsPerSecond());
            g.drawString(label, px[i] - 30, py[i] - 10);
            g.setColor(new Color(31, 119, 180));
        }
    }
}
