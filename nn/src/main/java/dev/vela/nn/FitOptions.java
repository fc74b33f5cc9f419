// Options of Model.fit, with Keras's defaults (epochs 1, batch 32, verbose 1, shuffle on).
package dev.vela.nn;

import dev.vela.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code new FitOptions().epochs(5).batchSize(32).validationSplit(1 / 6.0)}. */
public final class FitOptions {
    int epochs = 1, batchSize = 32, verbose = 1, initialEpoch = 0;
    double validationSplit = 0;
    Tensor valX, valY;
    List<Tensor> valXs, valYs;
    boolean shuffle = true;
    final List<Callback> callbacks = new ArrayList<>();
    Map<Integer, Double> classWeight;

    public FitOptions epochs(int e) { epochs = e; return this; }

    public FitOptions batchSize(int b) {
        if (b <= 0) throw new IllegalArgumentException("fit: batchSize must be positive, got " + b);
        batchSize = b;
        return this;
    }

    /** 0 silent, 1 progress bar, 2 one line per epoch. */
    public FitOptions verbose(int v) { verbose = v; return this; }

    /** Fraction of the samples, taken from the end, used for validation. */
    public FitOptions validationSplit(double f) {
        if (!(f >= 0 && f < 1)) throw new IllegalArgumentException("fit: validationSplit must be in [0, 1), got " + f);
        validationSplit = f;
        return this;
    }

    public FitOptions validationData(Tensor x, Tensor y) { valX = x; valY = y; return this; }

    /** Validation data for a model with several inputs and outputs. */
    public FitOptions validationData(List<Tensor> xs, List<Tensor> ys) { valXs = List.copyOf(xs); valYs = List.copyOf(ys); return this; }

    public FitOptions shuffle(boolean s) { shuffle = s; return this; }

    public FitOptions callbacks(Callback... cs) { callbacks.addAll(List.of(cs)); return this; }

    public FitOptions initialEpoch(int e) { initialEpoch = e; return this; }

    /** Weights the loss of each sample by its class (index for sparse/binary labels, argmax for one-hot). */
    public FitOptions classWeight(Map<Integer, Double> w) { classWeight = w; return this; }
}
