/*
 * Tutorial 4: XOR with a Keras model: Dense(16, relu, input_dim=2), Dense(1, sigmoid), mean squared error,
 * Adam, binary accuracy, 500 epochs with one line per epoch, and the rounded predictions.
 */
package dev.vela.samples;

import dev.vela.Tensor;
import dev.vela.nn.Dense;
import dev.vela.nn.FitOptions;
import dev.vela.nn.History;
import dev.vela.nn.Sequential;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * <pre>{@code
 * model = Sequential(Dense(16, input_dim=2, activation='relu'), Dense(1, activation='sigmoid'))
 * model.compile(loss='mean_squared_error', optimizer='adam', metrics=['binary_accuracy'])
 * model.fit(X, y, epochs=500, verbose=2); model.predict(X).round()
 * }</pre>
 * Writes {@code training.png} (loss and binary accuracy per epoch).
 *
 * <pre>{@code
 * $ ./vela sample XorKeras [--epochs 500] [--verbose 2] [--out DIR] [--device cpu|cuda]
 * }</pre>
 */
public final class XorKeras {

    static final String NAME = "XorKeras";

    private XorKeras() {
    }

    /** The fit history, the predicted probabilities and their rounding, the figure. */
    record Result(History history, float[] probabilities, int[] predictions, Path plot) {
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, XorKeras::run);
    }

    static Result run(String[] args) {
        PrintStream out = System.out;
        Cli cli = Cli.parse(NAME, args, Cli.options(
                "--epochs", "training epochs (default 500)",
                "--verbose", "0 silent, 1 progress bar, 2 one line per epoch (default 2)"));
        int epochs = cli.intOption("--epochs", 500);
        int verbose = cli.intOption("--verbose", 2, 0);
        Path dir = cli.out();
        out.println(cli.banner());
        out.println();

        Tensor x = Tensor.of(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        Tensor y = Tensor.of(new float[][] {{0}, {1}, {1}, {0}});
        Sequential model = new Sequential();
        model.add(new Dense(16, "relu").inputDim(2));
        model.add(new Dense(1, "sigmoid"));
        model.compile("adam", "mean_squared_error", "binary_accuracy");
        model.summary();
        out.println("model.fit(X, y, epochs=" + epochs + ", verbose=" + verbose + ")");
        History history = model.fit(x, y, new FitOptions().epochs(epochs).verbose(verbose));
        out.println();

        Tensor p = model.predict(x);
        float[] probabilities = p.reshape(4).toFloatArray();
        int[] predictions = new int[4];
        for (int i = 0; i < 4; i++) predictions[i] = Math.round(probabilities[i]);
        out.println("model.predict(X)");
        out.println(p);
        out.println("model.predict(X).round()");
        out.println(p.round());
        out.println("predictions: " + Arrays.toString(predictions));

        Map<String, List<Double>> h = history.history();
        double[] ep = Plots.range(1, h.get("loss").size());
        List<Plots.Series> series = new ArrayList<>();
        series.add(new Plots.Series("loss (mean squared error)", ep, Plots.toArray(h.get("loss"))));
        series.add(new Plots.Series("binary accuracy", ep, Plots.toArray(h.get("binary_accuracy"))));
        Path plot = Plots.line(dir.resolve("training.png"), "XOR with Keras layers: training history", "epoch",
                "value", series, false);
        out.println();
        out.println("Figure: " + plot);
        return new Result(history, probabilities, predictions, plot);
    }
}
