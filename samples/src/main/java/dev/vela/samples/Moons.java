/*
 * Tutorial 5: two moons. make_moons, standard scaling, a half/half train/test split, a scatter plot, a small
 * Keras model trained with Adadelta and a TensorBoard callback, evaluation, and the decision boundary drawn as
 * a filled contour of the predicted probability under the test points.
 */
package dev.vela.samples;

import dev.vela.DType;
import dev.vela.Tensor;
import dev.vela.nn.Dense;
import dev.vela.nn.FitOptions;
import dev.vela.nn.History;
import dev.vela.nn.Sequential;
import dev.vela.nn.TensorBoard;
import dev.vela.nn.data.Datasets;
import dev.vela.nn.data.StandardScaler;
import dev.vela.nn.data.TrainTest;
import dev.vela.nn.data.XY;
import dev.vela.optim.Adadelta;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * <pre>{@code
 * X, y = make_moons(noise=0.2, n_samples=1000, random_state=0); X = StandardScaler().fit_transform(X)
 * X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=.5)
 * model = Sequential(Dense(32, input_dim=2, activation='relu'), Dense(1, activation='sigmoid'))
 * model.compile(optimizer=AdaDelta(), loss='binary_crossentropy', metrics=['accuracy'])
 * model.fit(X_train, y_train, batch_size=32, epochs=200, verbose=0, validation_data=(X_test, y_test),
 *           callbacks=[TensorBoard(log_dir)])
 * model.evaluate(X_test, y_test); model.predict_proba(grid)   # the decision boundary
 * }</pre>
 * Writes {@code data.png} (the scaled data by class), {@code training.png} (accuracy per epoch),
 * {@code decision_boundary.png}, and TensorBoard event files under {@code logs/}.
 *
 * <pre>{@code
 * $ ./vela sample Moons [--epochs 200] [--batch-size 32] [--out DIR] [--device cpu|cuda]
 * }</pre>
 */
public final class Moons {

    static final String NAME = "Moons";
    static final int GRID = 100;

    private Moons() {
    }

    /** Test loss and accuracy, the grid of probabilities, the figures and the log folder. */
    record Result(double testLoss, double testAccuracy, double[][] grid, Path dataPlot, Path trainingPlot,
            Path boundaryPlot, Path logDir) {
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, Moons::run);
    }

    static Result run(String[] args) {
        PrintStream out = System.out;
        Cli cli = Cli.parse(NAME, args, Cli.options(
                "--epochs", "training epochs (default 200)",
                "--batch-size", "minibatch size (default 32)"));
        int epochs = cli.intOption("--epochs", 200);
        int batchSize = cli.intOption("--batch-size", 32);
        Path dir = cli.out();
        out.println(cli.banner());
        out.println();

        XY moons = Datasets.makeMoons(1000, 0.2, 0);
        Tensor x = new StandardScaler().fitTransform(moons.x());
        Tensor y = moons.y().to(DType.FLOAT32).reshape(-1, 1);
        TrainTest.Split split = TrainTest.split(x, y, 0.5, 42);
        out.println("X, y = makeMoons(1000, noise 0.2, seed 0): X " + moons.x().shape() + ", y " + moons.y().shape());
        out.println("X = StandardScaler().fitTransform(X)");
        out.println("train/test split 0.5: X_train " + split.xTrain().shape() + ", X_test " + split.xTest().shape());

        Path dataPlot = Plots.scatter(dir.resolve("data.png"), "make_moons(1000, noise=0.2), standardised",
                "x1 (scaled)", "x2 (scaled)", byClass(x, y, "class "));
        out.println("Scatter plot of the data: " + dataPlot);
        out.println();

        Sequential model = new Sequential();
        model.add(new Dense(32, "relu").inputDim(2));
        model.add(new Dense(1, "sigmoid"));
        model.compile(new Adadelta(), "binary_crossentropy", "accuracy");
        model.summary();
        Path logDir = dir.resolve("logs");
        out.println("model.fit(X_train, y_train, batch_size=" + batchSize + ", epochs=" + epochs
                + ", verbose=0, validation_data=(X_test, y_test), callbacks=[TensorBoard(" + logDir + ")])");
        History history = model.fit(split.xTrain(), split.yTrain(), new FitOptions().batchSize(batchSize).epochs(epochs)
                .verbose(0).validationData(split.xTest(), split.yTest()).callbacks(new TensorBoard(logDir)));
        Map<String, List<Double>> h = history.history();
        out.printf(Locale.ROOT, "after %d epochs: loss %.4f, accuracy %.4f, val_loss %.4f, val_accuracy %.4f%n", epochs,
                last(h.get("loss")), last(h.get("accuracy")), last(h.get("val_loss")), last(h.get("val_accuracy")));
        out.println();

        List<Double> score = model.evaluate(split.xTest(), split.yTest(), batchSize);
        out.println("score = model.evaluate(X_test, y_test)");
        out.printf(Locale.ROOT, "Test loss: %.4f%n", score.get(0));
        out.printf(Locale.ROOT, "Test accuracy: %.4f%n", score.get(1));

        double[] ep = Plots.range(1, h.get("loss").size());
        Path trainingPlot = Plots.line(dir.resolve("training.png"), "Moons: accuracy during training", "epoch", "accuracy",
                List.of(new Plots.Series("training", ep, Plots.toArray(h.get("accuracy"))),
                        new Plots.Series("validation (test set)", ep, Plots.toArray(h.get("val_accuracy")))), false);

        // the decision boundary: predictProba on a 100 x 100 grid around the data
        float[] xs = x.toFloatArray();
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (int i = 0; i < xs.length; i += 2) {
            minX = Math.min(minX, xs[i]);
            maxX = Math.max(maxX, xs[i]);
            minY = Math.min(minY, xs[i + 1]);
            maxY = Math.max(maxY, xs[i + 1]);
        }
        double[] gx = linspace(minX - 0.5, maxX + 0.5, GRID), gy = linspace(minY - 0.5, maxY + 0.5, GRID);
        float[] points = new float[GRID * GRID * 2];
        for (int iy = 0; iy < GRID; iy++) {
            for (int ix = 0; ix < GRID; ix++) {
                points[2 * (iy * GRID + ix)] = (float) gx[ix];
                points[2 * (iy * GRID + ix) + 1] = (float) gy[iy];
            }
        }
        float[] p = model.predictProba(Tensor.fromArray(points, GRID * GRID, 2)).toFloatArray();
        double[][] grid = new double[GRID][GRID];
        for (int iy = 0; iy < GRID; iy++) {
            for (int ix = 0; ix < GRID; ix++) grid[iy][ix] = p[iy * GRID + ix];
        }
        Path boundaryPlot = Plots.decisionBoundary(dir.resolve("decision_boundary.png"),
                String.format(Locale.ROOT, "Moons: decision boundary (test accuracy %.3f)", score.get(1)),
                "x1 (scaled)", "x2 (scaled)", "predicted probability of class 1", gx, gy, grid,
                byClass(split.xTest(), split.yTest(), "test, class "), 10);
        out.println();
        out.println("Figures: " + dataPlot + ", " + trainingPlot + ", " + boundaryPlot);
        out.println("TensorBoard logs: " + logDir + "   (tensorboard --logdir " + logDir + ")");
        return new Result(score.get(0), score.get(1), grid, dataPlot, trainingPlot, boundaryPlot, logDir);
    }

    /** The rows of {@code x} (n, 2) split by the 0/1 label in {@code y}, as one series per class. */
    static List<Plots.Series> byClass(Tensor x, Tensor y, String prefix) {
        float[] xs = x.toFloatArray(), ys = y.toFloatArray();
        List<Plots.Series> series = new ArrayList<>();
        for (int c = 0; c <= 1; c++) {
            int n = 0;
            for (float v : ys) if (Math.round(v) == c) n++;
            double[] a = new double[n], b = new double[n];
            int k = 0;
            for (int i = 0; i < ys.length; i++) {
                if (Math.round(ys[i]) != c) continue;
                a[k] = xs[2 * i];
                b[k++] = xs[2 * i + 1];
            }
            series.add(new Plots.Series(prefix + c, a, b));
        }
        return series;
    }

    private static double[] linspace(double a, double b, int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = a + (b - a) * i / (n - 1);
        return r;
    }

    private static double last(List<Double> v) {
        return v == null || v.isEmpty() ? Double.NaN : v.get(v.size() - 1);
    }
}
