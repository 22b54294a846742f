package io.streamwatch.nab.prototype;

/** Normal tail probabilities, accurate to ~1e-7 relative, enough for anomaly likelihoods. */
final class Gauss {

    /** Chebyshev fit of erfc (Numerical Recipes, erfcc), highest power last. */
    private static final double[] C = {
        -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
        0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277
    };

    private Gauss() {}

    /** P(Z > z) for a standard normal Z. */
    static double tail(double z) {
        return 0.5 * erfc(z / Math.sqrt(2.0));
    }

    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double poly = C[C.length - 1];
        for (int i = C.length - 2; i >= 0; i--) {
            poly = C[i] + t * poly;
        }
        double r = t * Math.exp(-z * z + poly);
        return x >= 0 ? r : 2.0 - r;
    }
}
