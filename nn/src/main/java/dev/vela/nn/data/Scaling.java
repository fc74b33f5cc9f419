// Shape checks shared by the scalers: fitted on features F, each later input must be (n, F).
package dev.vela.nn.data;

import dev.vela.Shape;
import dev.vela.Tensor;

import java.util.Arrays;

/** Shape checks shared by {@link StandardScaler} and {@link MinMaxScaler}. */
final class Scaling {
    private Scaling() {}

    static void checkFitInput(String who, Tensor x) {
        if (x.isSymbolic()) throw new IllegalArgumentException(who + ".fit: needs a tensor with values, got a symbolic one");
        if (x.rank() < 1 || x.shape().dim(0) == 0) {
            throw new IllegalArgumentException(who + ".fit: expected at least one sample (shape (n, features)), got shape "
                    + x.shape());
        }
    }

    static void checkFeatures(String who, Shape features, Tensor x) {
        int[] d = x.dims();
        int[] f = features.dims();
        if (d.length != f.length + 1 || !Arrays.equals(Arrays.copyOfRange(d, 1, d.length), f)) {
            throw new IllegalArgumentException(who + ": fitted on features of shape " + features + ", got x of shape "
                    + x.shape() + " (expected (n, " + String.join(", ", Arrays.stream(f).mapToObj(String::valueOf).toList())
                    + "))");
        }
    }
}
