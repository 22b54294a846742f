package io.streamwatch.detect;

/** The upper tail of the standard normal distribution, accurate far into the tail. */
final class NormalTail {

    private NormalTail() {}

    /**
     * P(Z > z) for a standard normal Z: erfc(z/√2)/2, by the Chebyshev fit of Numerical Recipes'
     * erfcc (relative error below 1.2e-7 everywhere, so -log10 of it is good to 1e-7 even at 1e-300).
     */
    static double upper(double z) {
        if (Double.isNaN(z)) {
            return Double.NaN;
        }
        if (z < 0.0) {
            return 1.0 - upper(-z);
        }
        double x = z / Math.sqrt(2.0);
        double t = 1.0 / (1.0 + 0.5 * x);
        double poly = -x * x
                - 1.26551223
                + t
                        * (1.00002368
                                + t
                                        * (0.37409196
                                                + t
                                                        * (0.09678418
                                                                + t
                                                                        * (-0.18628806
                                                                                + t
                                                                                        * (0.27886807
                                                                                                + t
                                                                                                        * (-1.13520398
                                                                                                                + t
                                                                                                                        * (1.48851587
                                                                                                                                + t
                                                                                                                                        * (-0.82215223
                                                                                                                                                + t
                                                                                                                                                        * 0.17087277))))))));
        return 0.5 * t * Math.exp(poly);
    }
}
