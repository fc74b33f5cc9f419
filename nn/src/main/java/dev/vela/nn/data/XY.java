// A pair of tensors, inputs and targets: what the sample generators return and what Batches yields.
package dev.vela.nn.data;

import dev.vela.Tensor;

/**
 * Inputs {@code x} and targets {@code y} with the same first dimension (samples); {@code y} may be
 * null where there are no targets.
 * <pre>{@code
 * jshell> XY moons = Datasets.makeMoons(1000, 0.2, 0);
 * jshell> moons.x().shape()
 * $2 ==> (1000, 2)
 * }</pre>
 *
 * @param x the inputs, samples along dimension 0
 * @param y the targets, samples along dimension 0, or null
 */
public record XY(Tensor x, Tensor y) {
    public XY {
        if (x == null) throw new IllegalArgumentException("XY: x must not be null");
        if (y != null && (x.rank() == 0 || y.rank() == 0 || x.shape().dim(0) != y.shape().dim(0))) {
            throw new IllegalArgumentException("XY: x and y must have the same number of samples (dimension 0), got x "
                    + x.shape() + " and y " + y.shape());
        }
    }

    /** The number of samples (the size of dimension 0 of {@code x}). */
    public int size() { return x.shape().dim(0); }
}
