// The functional API's entry point: a placeholder standing for a model input.
package dev.vela.nn;

import dev.vela.K;
import dev.vela.Tensor;

/**
 * {@code Tensor in = Input.of(784); Tensor out = new Dense(10, "softmax").apply(in); Model m = new Model(in, out);}
 */
public final class Input {
    private Input() {}

    /** A symbolic input of shape (None, shape...). */
    public static Tensor of(int... shape) { return K.placeholder("input", Layer.withBatch(shape)); }

    public static Tensor of(String name, int... shape) { return K.placeholder(name, Layer.withBatch(shape)); }
}
