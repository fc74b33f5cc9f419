// Keras loss functions by name: per-sample values (mean over the last axis where Keras takes it).
package dev.vela.nn;

import dev.vela.Losses;
import dev.vela.Tensor;

import java.util.List;
import java.util.Locale;
import java.util.function.BinaryOperator;

/** {@code LossFunctions.get("categorical_crossentropy")} gives (target, output) to a per-sample loss. */
public final class LossFunctions {
    private LossFunctions() {}

    /** The names {@link #get} knows. */
    public static final List<String> KNOWN = List.of("mean_squared_error", "mse", "mean_absolute_error", "mae",
            "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy");

    /** A named loss: (target, output) to one value per sample. */
    public record Loss(String name, BinaryOperator<Tensor> fn) {}

    public static Loss get(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "mean_squared_error", "mse" -> new Loss("mean_squared_error", Losses::meanSquaredError);
            case "mean_absolute_error", "mae" -> new Loss("mean_absolute_error", Losses::meanAbsoluteError);
            case "binary_crossentropy" -> new Loss("binary_crossentropy", (t, o) -> Losses.binaryCrossentropy(t, o).mean(-1, false));
            case "categorical_crossentropy" -> new Loss("categorical_crossentropy", Losses::categoricalCrossentropy);
            case "sparse_categorical_crossentropy" -> new Loss("sparse_categorical_crossentropy", Losses::sparseCategoricalCrossentropy);
            default -> throw new IllegalArgumentException("unknown loss '" + name + "'; known losses: " + KNOWN);
        };
    }
}
