// Average pooling over NHWC windows.
package dev.vela.nn;

import dev.vela.NN;
import dev.vela.Tensor;

/** {@code new AveragePooling2D(2, 2)}. */
public class AveragePooling2D extends MaxPooling2D {
    public AveragePooling2D(int ph, int pw) { super(ph, pw); }

    public AveragePooling2D(int[] pool, int[] strides, String padding) { super(pool, strides, padding); }

    @Override Tensor pool(Tensor x) { return NN.avgPool2d(x, pool, strides, padding); }
}
