package io.streamwatch.detect;

/**
 * The shape of a series' last values and its distance to the nearest remembered shape: what {@link
 * NoveltyDetector} and {@link PatternDetector} measure novelty with. The last {@code window} values
 * (a ring, oldest at {@code count % window}) are averaged into {@code segments} pieces; shapes are
 * remembered in a ring of {@code memory} shapes, {@code segments} values each.
 */
final class Shapes {

    /** A flat series has range 0: any change is then infinitely novel. */
    private static final double MIN_RANGE = 1e-9;

    private Shapes() {}

    /**
     * Distance (root mean square over the segments, in units of the range {@code [min, max]}) from
     * the current shape to the nearest remembered one that does not overlap it, or 0 while none
     * does; then stores the current shape in slot {@code next} of {@code shapes}. Finite for any
     * finite input: a distance that overflows stays at the initial Double.MAX_VALUE.
     *
     * @param recent the last values, {@code recent.length} = window
     * @param count values seen, the current one included (>= window)
     * @param shapes the remembered shapes, {@code memory * segments} values
     * @param next slot the current shape is stored in
     * @param stored how many slots hold a shape
     */
    static double nearestThenRemember(
            double[] recent, long count, double[] shapes, int next, int stored, int segments, double min, double max) {
        int window = recent.length;
        int memory = shapes.length / segments;
        int per = window / segments;
        double[] shape = new double[segments];
        for (int g = 0; g < segments; g++) {
            double mean = 0.0;
            for (int k = 0; k < per; k++) {
                // oldest value first; dividing each keeps the mean of huge values finite
                mean += recent[(int) ((count + (long) g * per + k) % window)] / per;
            }
            shape[g] = mean;
        }
        // shapes are kept in the series' unit and compared in units of today's range, which only grows
        double range = range(min, max);
        // the window - 1 newest shapes share values with this one, so they would always match
        int usable = stored - (window - 1);
        double nearest = Double.MAX_VALUE;
        for (int e = 0; e < usable; e++) {
            int at = Math.floorMod(next - window - e, memory) * segments;
            double dist = 0.0;
            // early abandon: most remembered shapes are farther than the best so far
            for (int g = 0; g < segments && dist < nearest; g++) {
                double diff = (shape[g] - shapes[at + g]) / range;
                dist += diff * diff;
            }
            nearest = Math.min(nearest, dist);
        }
        System.arraycopy(shape, 0, shapes, next * segments, segments);
        return usable > 0 ? Math.sqrt(nearest / segments) : 0.0;
    }

    /** max - min, at least MIN_RANGE and at most Double.MAX_VALUE. */
    static double range(double min, double max) {
        return Math.min(Math.max(max - min, MIN_RANGE), Double.MAX_VALUE);
    }
}
