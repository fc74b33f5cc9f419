// Activation functions by Keras name.
package dev.vela.nn;

import dev.vela.Tensor;

import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/** {@code Activations.get("relu")}; null or "linear" is the identity. */
public final class Activations {
    private Activations() {}

    public static UnaryOperator<Tensor> get(String name) {
        if (name == null) return x -> x;
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "linear" -> x -> x;
            case "relu" -> Tensor::relu;
            case "sigmoid" -> Tensor::sigmoid;
            case "tanh" -> Tensor::tanh;
            case "softmax" -> x -> x.softmax(-1);
            case "softplus" -> Tensor::softplus;
            case "softsign" -> Tensor::softsign;
            case "elu" -> Tensor::elu;
            case "selu" -> Tensor::selu;
            case "hard_sigmoid" -> Tensor::hardSigmoid;
            case "exponential" -> Tensor::exp;
            default -> throw new IllegalArgumentException("unknown activation '" + name + "'; known: " + List.of("linear",
                    "relu", "sigmoid", "tanh", "softmax", "softplus", "softsign", "elu", "selu", "hard_sigmoid", "exponential"));
        };
    }
}
