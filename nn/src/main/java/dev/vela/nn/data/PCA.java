// sklearn.decomposition.PCA: covariance by Vela's matmul, eigenvectors by Commons Math, components by variance.
package dev.vela.nn.data;

import dev.vela.DType;
import dev.vela.Tensor;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealVector;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Principal component analysis, as scikit-learn's {@code PCA}: the data {@code x (n, d)} is centred on its
 * column means, its covariance {@code xcᵀ xc / (n - 1)} is computed with Vela's {@link Tensor#matmul} (in x's
 * dtype: float32 for float32 input, float64 for float64), and the symmetric eigendecomposition comes from Apache
 * Commons Math ({@link EigenDecomposition}). Components are the eigenvectors sorted by decreasing eigenvalue
 * (the explained variance); each is signed so that its entry of largest magnitude is positive, which makes the
 * result deterministic.
 * <pre>{@code
 * jshell> Mnist.Data d = Mnist.load();
 * jshell> Tensor x = d.xTrain().reshape(60000, 784).div(255);
 * jshell> PCA pca = new PCA(60);
 * jshell> Tensor z = pca.fitTransform(x);            // (60000, 60)
 * jshell> Arrays.stream(pca.explainedVarianceRatio()).sum()
 * $5 ==> 0.8...
 * jshell> Tensor back = pca.inverseTransform(z);     // (60000, 784), the projection onto 60 components
 * }</pre>
 */
public final class PCA {
    private final int requested;        // > 0: a count; 0: all; -1: by variance ratio
    private final double varianceTarget;
    private int nComponents;
    private Tensor mean;                // (d,) in the fitted dtype
    private Tensor components;          // (k, d) in the fitted dtype
    private double[] explainedVariance, explainedVarianceRatio, allVariances;
    private int nSamples, nFeatures;

    /** Keeps {@code nComponents} components; 0 keeps {@code min(n, d)}. */
    public PCA(int nComponents) {
        if (nComponents < 0) throw new IllegalArgumentException("PCA: nComponents must be >= 0, got " + nComponents);
        this.requested = nComponents;
        this.varianceTarget = Double.NaN;
    }

    private PCA(double ratio) {
        this.requested = -1;
        this.varianceTarget = ratio;
    }

    /**
     * Keeps the fewest components whose explained variance ratios add up to more than {@code ratio}
     * (scikit-learn's {@code PCA(n_components=0.95)}).
     */
    public static PCA ofVarianceRatio(double ratio) {
        if (!(ratio > 0 && ratio < 1)) {
            throw new IllegalArgumentException("PCA.ofVarianceRatio: ratio must be in (0, 1), got " + ratio);
        }
        return new PCA(ratio);
    }

    /** Learns the mean and the components from {@code x (n, d)}. */
    public PCA fit(Tensor x) {
        if (x.isSymbolic()) throw new IllegalArgumentException("PCA.fit: needs a tensor with values, got a symbolic one");
        if (x.rank() != 2) {
            throw new IllegalArgumentException("PCA.fit: expected a 2-D array (samples, features), got shape " + x.shape()
                    + (x.rank() > 2 ? "; flatten the samples first, e.g. x.reshape(" + x.shape().dim(0) + ", -1)" : ""));
        }
        int n = x.shape().dim(0), d = x.shape().dim(1);
        if (n < 2) throw new IllegalArgumentException("PCA.fit: needs at least 2 samples, got " + n);
        int maxK = Math.min(n, d);
        if (requested > maxK) {
            throw new IllegalArgumentException("PCA.fit: nComponents=" + requested + " must be between 0 and min(n_samples, "
                    + "n_features)=" + maxK + " (x has shape " + x.shape() + ")");
        }
        DType dt = x.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
        Tensor xs = x.to(dt).detach();
        // the mean in float64, then in the working dtype, so centring float32 data loses as little as possible
        Tensor mu = xs.to(DType.FLOAT64).mean(0, false).to(dt);
        Tensor xc = xs.sub(mu);
        double[] cov = xc.transpose().matmul(xc).to(DType.FLOAT64).toDoubleArray();

        double[][] c = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                // symmetrise: the two triangles may differ in the last bits
                c[i][j] = 0.5 * (cov[i * d + j] + cov[j * d + i]) / (n - 1);
            }
        }
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(c, false));
        double[] values = eig.getRealEigenvalues();
        Integer[] order = IntStream.range(0, d).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -values[i]));

        double[] variances = new double[d];
        double total = 0;
        for (int i = 0; i < d; i++) {
            variances[i] = Math.max(0, values[order[i]]);   // tiny negative round-off is 0 variance
            total += variances[i];
        }
        int k;
        if (requested > 0) {
            k = requested;
        } else if (requested == 0) {
            k = maxK;
        } else {
            k = 0;
            double cum = 0;
            while (k < maxK && (k == 0 || cum <= varianceTarget * total)) cum += variances[k++];
        }
        double[] comp = new double[k * d];
        for (int r = 0; r < k; r++) {
            RealVector v = eig.getEigenvector(order[r]);
            int big = 0;
            for (int j = 1; j < d; j++) if (Math.abs(v.getEntry(j)) > Math.abs(v.getEntry(big))) big = j;
            double sign = v.getEntry(big) < 0 ? -1 : 1;
            double norm = v.getNorm();
            for (int j = 0; j < d; j++) comp[r * d + j] = sign * v.getEntry(j) / norm;
        }
        this.nComponents = k;
        this.nSamples = n;
        this.nFeatures = d;
        this.mean = mu;
        this.components = Tensor.fromArray(comp, dt, k, d);
        this.allVariances = variances;
        this.explainedVariance = Arrays.copyOf(variances, k);
        this.explainedVarianceRatio = new double[k];
        for (int i = 0; i < k; i++) explainedVarianceRatio[i] = total > 0 ? variances[i] / total : 0;
        return this;
    }

    /** The projection {@code (x - mean) componentsᵀ}: {@code (n, nComponents)}, computed with matmul. */
    public Tensor transform(Tensor x) {
        check("transform");
        if (x.rank() != 2 || x.shape().dim(1) != nFeatures) {
            throw new IllegalArgumentException("PCA.transform: fitted on " + nFeatures + " features, got x of shape "
                    + x.shape() + " (expected (n, " + nFeatures + "))");
        }
        DType dt = components.dtype();
        return x.to(dt).sub(mean).matmul(components.transpose());
    }

    /** {@link #fit} then {@link #transform}. */
    public Tensor fitTransform(Tensor x) { return fit(x).transform(x); }

    /** Back to feature space: {@code z components + mean}, {@code (n, d)}; exact when all components are kept. */
    public Tensor inverseTransform(Tensor z) {
        check("inverseTransform");
        if (z.rank() != 2 || z.shape().dim(1) != nComponents) {
            throw new IllegalArgumentException("PCA.inverseTransform: expected (n, " + nComponents + "), got shape "
                    + z.shape());
        }
        return z.to(components.dtype()).matmul(components).add(mean);
    }

    /** The number of components kept. */
    public int nComponents() { check("nComponents"); return nComponents; }

    /** The principal axes, one per row: {@code (nComponents, d)}, unit length, by decreasing variance. */
    public Tensor components() { check("components"); return components; }

    /** The column means subtracted before projecting: {@code (d,)}. */
    public Tensor mean() { check("mean"); return mean; }

    /** The variance along each kept component (eigenvalues of the covariance with divisor n - 1). */
    public double[] explainedVariance() { check("explainedVariance"); return explainedVariance.clone(); }

    /** Each kept component's share of the total variance (all components together sum to 1). */
    public double[] explainedVarianceRatio() { check("explainedVarianceRatio"); return explainedVarianceRatio.clone(); }

    /** The mean variance of the components left out (scikit-learn's {@code noise_variance_}); 0 when all are kept. */
    public double noiseVariance() {
        check("noiseVariance");
        int end = Math.min(nSamples, nFeatures);
        double s = 0;
        for (int i = nComponents; i < end; i++) s += allVariances[i];
        int rest = end - nComponents;
        return rest > 0 ? s / rest : 0;
    }

    private void check(String op) {
        if (components == null) throw new IllegalStateException("PCA." + op + ": call fit first");
    }

    @Override
    public String toString() {
        return components == null ? "PCA(nComponents=" + (requested >= 0 ? requested : varianceTarget) + ", unfitted)"
                : "PCA(nComponents=" + nComponents + ", features=" + nFeatures + ", dtype=" + components.dtype() + ")";
    }
}
