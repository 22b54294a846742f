package io.streamwatch.detect;

import java.util.Objects;

/** One detector's verdict on one window of one series: the side output used to evaluate detectors. */
public class DetectorScore {
    public String seriesKey;
    public String detector;
    public long windowStart;
    public long windowEnd;
    public double observed;
    /** In [0, 1]; 0 during warm-up. */
    public double score;
    /** Infinite during warm-up. */
    public double expectedLow;

    public double expectedHigh;

    public DetectorScore() {}

    public DetectorScore(
            String seriesKey,
            String detector,
            long windowStart,
            long windowEnd,
            double observed,
            Assessment assessment) {
        this.seriesKey = seriesKey;
        this.detector = detector;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.observed = observed;
        this.score = assessment.score();
        this.expectedLow = assessment.expectedLow();
        this.expectedHigh = assessment.expectedHigh();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DetectorScore)) return false;
        DetectorScore s = (DetectorScore) o;
        return windowStart == s.windowStart
                && windowEnd == s.windowEnd
                && Double.compare(observed, s.observed) == 0
                && Double.compare(score, s.score) == 0
                && Double.compare(expectedLow, s.expectedLow) == 0
                && Double.compare(expectedHigh, s.expectedHigh) == 0
                && Objects.equals(seriesKey, s.seriesKey)
                && Objects.equals(detector, s.detector);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seriesKey, detector, windowStart);
    }

    @Override
    public String toString() {
        return "DetectorScore{" + detector + " on " + seriesKey + " window=" + windowStart + " observed=" + observed
                + " score=" + score + "}";
    }
}
