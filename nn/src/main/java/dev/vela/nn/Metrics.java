// Keras metrics by name; "accuracy" picks the variant that matches the loss, as Keras does.
package dev.vela.nn;

import dev.vela.DType;
import dev.vela.Losses;
import dev.vela.Tensor;

import java.util.List;
import java.util.Locale;
import java.util.function.BinaryOperator;

/** Per-sample metric functions; the model averages them over a batch and an epoch. */
public final class Metrics {
    private Metrics() {}

    public static final List<String> KNOWN = List.of("accuracy", "acc", "binary_accuracy", "categorical_accuracy",
            "sparse_categorical_accuracy", "mean_squared_error", "mse", "mean_absolute_error", "mae");

    /** A named metric: (target, output) to one value per sample. */
    public record Metric(String name, BinaryOperator<Tensor> fn) {}

    public static Metric get(String name, String lossName) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("accuracy") || n.equals("acc")) {
            String variant = switch (lossName) {
                case "binary_crossentropy" -> "binary_accuracy";
                case "sparse_categorical_crossentropy" -> "sparse_categorical_accuracy";
                case "categorical_crossentropy" -> "categorical_accuracy";
                default -> "binary_accuracy";
            };
            Metric m = get(variant, lossName);
            return new Metric(n, m.fn());
        }
        return switch (n) {
            case "binary_accuracy" -> new Metric(n, Losses::binaryAccuracy);
            case "categorical_accuracy" -> new Metric(n, (t, o) ->
                    t.argmax(-1).eq(o.argmax(-1)).to(o.dtype()));
            case "sparse_categorical_accuracy" -> new Metric(n, (t, o) -> {
                Tensor ids = t.rank() == o.rank() ? t.squeeze(-1) : t;
                return ids.to(DType.INT64).eq(o.argmax(-1)).to(o.dtype());
            });
            case "mean_squared_error", "mse" -> new Metric(n, Losses::meanSquaredError);
            case "mean_absolute_error", "mae" -> new Metric(n, Losses::meanAbsoluteError);
            default -> throw new IllegalArgumentException("unknown metric '" + name + "'; known metrics: " + KNOWN);
        };
    }
}
