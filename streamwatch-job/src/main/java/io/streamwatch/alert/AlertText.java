package io.streamwatch.alert;

import io.streamwatch.model.AnomalyEvent;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;

/** Wording shared by the Slack and PagerDuty messages, so both say the same thing the same way. */
final class AlertText {
    private AlertText() {}

    /** {@code FIRING}, {@code STILL FIRING (reminder 2)} or {@code RESOLVED}. */
    static String state(AlertEvent e) {
        if (!e.firing()) return "RESOLVED";
        return e.repeat > 0 ? "STILL FIRING (reminder " + e.repeat + ")" : "FIRING";
    }

    /** {@code ewma anomaly on checkout.latency} */
    static String title(AnomalyEvent a) {
        return a.detector + " anomaly on " + a.seriesKey;
    }

    /** {@code observed 512.3, expected 9.8 to 12.1, score 0.97} */
    static String measurement(AnomalyEvent a) {
        return "observed " + number(a.observed) + ", expected " + range(a.expectedLow, a.expectedHigh) + ", score "
                + number(a.score);
    }

    static String range(double low, double high) {
        boolean hasLow = Double.isFinite(low);
        boolean hasHigh = Double.isFinite(high);
        if (hasLow && hasHigh) return number(low) + " to " + number(high);
        if (hasHigh) return "at most " + number(high);
        if (hasLow) return "at least " + number(low);
        return "any value";
    }

    /** Four significant digits, no exponent for everyday magnitudes. */
    static String number(double v) {
        if (!Double.isFinite(v)) return String.valueOf(v);
        BigDecimal d = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
        return Math.abs(v) >= 1e-4 && Math.abs(v) < 1e15 || v == 0 ? d.toPlainString() : d.toString();
    }

    static String window(long start, long end) {
        return Instant.ofEpochMilli(start) + " to " + Instant.ofEpochMilli(end);
    }

    /** The string cut to at most {@code max} characters, marked with an ellipsis when cut. */
    static String limit(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
