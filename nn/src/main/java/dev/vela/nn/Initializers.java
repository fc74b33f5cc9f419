// Weight initializers with Keras's names and formulas (glorot_uniform is the default).
package dev.vela.nn;

import dev.vela.DType;
import dev.vela.Generator;
import dev.vela.Tensor;
import dev.vela.Vela;

import java.util.List;
import java.util.Locale;

/**
 * Initializers: {@code Initializers.get("he_normal").init(new int[] {784, 128})}. Fan-in and fan-out follow
 * Keras: for a kernel of shape (..., in, out), receptive field times the last two dims.
 */
public final class Initializers {
    private Initializers() {}

    /** Makes a tensor of the given shape. */
    @FunctionalInterface
    public interface Initializer {
        Tensor init(int[] shape);
    }

    static double[] fans(int[] s) {
        if (s.length == 0) return new double[] {1, 1};
        if (s.length == 1) return new double[] {s[0], s[0]};
        if (s.length == 2) return new double[] {s[0], s[1]};
        double rf = 1;
        for (int i = 0; i < s.length - 2; i++) rf *= s[i];
        return new double[] {s[s.length - 2] * rf, s[s.length - 1] * rf};
    }

    private static Generator gen() { return Generator.defaultGenerator(); }

    public static Initializer zeros() { return Tensor::zeros; }

    public static Initializer ones() { return Tensor::ones; }

    public static Initializer constant(double v) { return s -> Tensor.full(v, s); }

    public static Initializer randomNormal(double mean, double std) { return s -> gen().normal(Vela.floatx(), mean, std, s); }

    public static Initializer randomUniform(double lo, double hi) { return s -> gen().uniform(Vela.floatx(), lo, hi, s); }

    public static Initializer glorotUniform() {
        return s -> {
            double[] f = fans(s);
            double lim = Math.sqrt(6.0 / (f[0] + f[1]));
            return gen().uniform(Vela.floatx(), -lim, lim, s);
        };
    }

    public static Initializer glorotNormal() {
        return s -> {
            double[] f = fans(s);
            return gen().truncatedNormal(Vela.floatx(), 0, Math.sqrt(2.0 / (f[0] + f[1])) / .87962566103423978, s);
        };
    }

    public static Initializer heUniform() {
        return s -> {
            double lim = Math.sqrt(6.0 / fans(s)[0]);
            return gen().uniform(Vela.floatx(), -lim, lim, s);
        };
    }

    public static Initializer heNormal() {
        return s -> gen().truncatedNormal(Vela.floatx(), 0, Math.sqrt(2.0 / fans(s)[0]) / .87962566103423978, s);
    }

    /** A (semi-)orthogonal matrix from the QR decomposition of a Gaussian one (Gram-Schmidt), scaled by {@code gain}. */
    public static Initializer orthogonal(double gain) {
        return s -> {
            int rows = 1;
            for (int i = 0; i < s.length - 1; i++) rows *= s[i];
            int cols = s.length == 0 ? 1 : s[s.length - 1];
            int n = Math.max(rows, cols), m = Math.min(rows, cols);
            double[] a = gen().normal(DType.FLOAT64, 0, 1, n, m).toDoubleArray();
            // modified Gram-Schmidt on the m columns of an n x m matrix
            for (int j = 0; j < m; j++) {
                for (int k = 0; k < j; k++) {
                    double d = 0;
                    for (int i = 0; i < n; i++) d += a[i * m + j] * a[i * m + k];
                    for (int i = 0; i < n; i++) a[i * m + j] -= d * a[i * m + k];
                }
                double norm = 0;
                for (int i = 0; i < n; i++) norm += a[i * m + j] * a[i * m + j];
                norm = Math.sqrt(norm);
                for (int i = 0; i < n; i++) a[i * m + j] /= norm;
            }
            double[] out = new double[rows * cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? a[r * m + c] : a[c * m + r]);
            }
            return Tensor.fromArray(out, Vela.floatx(), s);
        };
    }

    /** By Keras name: zeros, ones, glorot_uniform, glorot_normal, he_uniform, he_normal, random_normal, random_uniform, orthogonal. */
    public static Initializer get(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "zeros" -> zeros();
            case "ones" -> ones();
            case "glorot_uniform" -> glorotUniform();
            case "glorot_normal" -> glorotNormal();
            case "he_uniform" -> heUniform();
            case "he_normal" -> heNormal();
            case "random_normal", "normal" -> randomNormal(0, 0.05);
            case "random_uniform", "uniform" -> randomUniform(-0.05, 0.05);
            case "orthogonal" -> orthogonal(1.0);
            default -> throw new IllegalArgumentException("unknown initializer '" + name + "'; known: " + List.of(
                    "zeros", "ones", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "random_normal",
                    "random_uniform", "orthogonal"));
        };
    }
}
