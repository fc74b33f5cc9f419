/*
 * Tutorial 1: logistic regression written with the Keras backend (placeholders, variables, the printed graph,
 * K.gradients, update pairs, K.function), trained for 1000 iterations on 16 random samples.
 */
package dev.vela.samples;

import static dev.vela.K.binaryCrossentropy;
import static dev.vela.K.debugPrint;
import static dev.vela.K.dot;
import static dev.vela.K.function;
import static dev.vela.K.gradients;
import static dev.vela.K.mean;
import static dev.vela.K.placeholder;
import static dev.vela.K.pp;
import static dev.vela.K.sigmoid;
import static dev.vela.K.update;
import static dev.vela.K.variable;

import dev.vela.DType;
import dev.vela.Generator;
import dev.vela.KFunction;
import dev.vela.Tensor;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Logistic regression with the backend:
 * {@code yHat = sigmoid(dot(x, W) + b)}, {@code loss = mean(binaryCrossentropy(y, yHat))}, gradients of the
 * loss with respect to {@code W} and {@code b}, the updates {@code (p, p - lr * g)}, and
 * {@code train = function([x, y], [loss], updates)} called 1000 times. Writes {@code loss.png}.
 *
 * <pre>{@code
 * $ ./vela sample LogisticRegression [--iterations 1000] [--lr 0.1] [--out DIR] [--device cpu|cuda]
 * }</pre>
 */
public final class LogisticRegression {

    static final String NAME = "LogisticRegression";
    static final int SAMPLES = 16;
    static final int FEATURES = 5;

    private LogisticRegression() {
    }

    /** What a run computed: the loss of every iteration, the final weights, the predictions and the figure. */
    record Result(double[] losses, float[] weights, double bias, int[] targets, int[] predictions, double accuracy, Path lossPlot) {
        double finalLoss() {
            return losses[losses.length - 1];
        }
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, LogisticRegression::run);
    }

    static Result run(String[] args) {
        PrintStream out = System.out;
        Cli cli = Cli.parse(NAME, args, Cli.options(
                "--iterations", "training iterations (default 1000; the loss is printed every tenth of them)",
                "--lr", "learning rate (default 0.1)",
                "--data-seed", "seed of the 16 samples and the initial weights (default 2)",
                "--noise", "standard deviation of the label noise (default 1.0)"));
        int iterations = cli.intOption("--iterations", 1000);
        double lr = cli.doubleOption("--lr", 0.1);
        Path dir = cli.out();
        out.println(cli.banner());
        out.println();

        // the data: 16 samples of 5 standard normal features; the label is 1 where a noisy linear score is positive
        Generator g = new Generator(cli.longOption("--data-seed", 2));
        double noise = cli.doubleOption("--noise", 1.0);
        Tensor xData = Tensor.randn(g, SAMPLES, FEATURES);
        Tensor score = xData.matmul(Tensor.of(new float[][] {{1.5f}, {-1f}, {0.5f}, {0f}, {0f}})).add(Tensor.randn(g, SAMPLES, 1).mul(noise));
        Tensor yData = score.gt(0).to(DType.FLOAT32);

        out.println("x = placeholder(\"x\", -1, 5)        // shape (None, 5)");
        Tensor x = placeholder("x", -1, FEATURES);
        out.println("y = placeholder(\"y\", -1, 1)");
        Tensor y = placeholder("y", -1, 1);
        out.println("W = variable(0.01 * randn(5, 1)); b = variable(zeros(1))");
        Tensor w = variable(Tensor.randn(g, FEATURES, 1).mul(0.01), "W");
        Tensor b = variable(Tensor.zeros(1), "b");
        out.println();

        Tensor yHat = sigmoid(dot(x, w).add(b));
        out.println("yHat = sigmoid(dot(x, W) + b)");
        out.println(yHat);
        out.println();
        out.println("pp(yHat):");
        out.println(pp(yHat));
        out.println();
        out.println("debugPrint(yHat):");
        debugPrint(yHat);
        out.println();

        Tensor loss = mean(binaryCrossentropy(y, yHat));
        out.println("loss = mean(binaryCrossentropy(y, yHat))");
        out.println(loss);
        List<Tensor> grads = gradients(loss, List.of(w, b));
        out.println("grads = gradients(loss, [W, b])");
        out.println(grads);
        List<dev.vela.K.Update> updates = List.of(update(w, w.sub(grads.get(0).mul(lr))), update(b, b.sub(grads.get(1).mul(lr))));
        out.println("updates = [(W, W - " + lr + " * grads[0]), (b, b - " + lr + " * grads[1])]");
        KFunction train = function(List.of(x, y), List.of(loss), updates);
        out.println("train = function([x, y], [loss], updates)");
        out.println(train);
        out.println();

        double[] losses = new double[iterations];
        int every = Math.max(1, iterations / 10);
        for (int i = 0; i < iterations; i++) {
            losses[i] = train.call(xData, yData).get(0).item();
            if (i % every == 0 || i == iterations - 1) {
                out.printf(Locale.ROOT, "iteration %4d: loss %.4f%n", i, losses[i]);
            }
        }
        out.println();

        out.println("Final model:");
        out.println("W.getValue()");
        out.println(w.getValue());
        out.println("b.getValue()");
        out.println(b.getValue());
        out.println();

        KFunction predict = function(List.of(x), List.of(yHat));
        Tensor p = predict.call(xData).get(0);
        int[] targets = toInts(yData);
        int[] predictions = toInts(p.gt(0.5));
        int correct = 0;
        for (int i = 0; i < SAMPLES; i++) if (targets[i] == predictions[i]) correct++;
        double accuracy = correct / (double) SAMPLES;
        out.println("predict = function([x], [yHat])");
        out.println("target values for D:  " + Arrays.toString(targets));
        out.println("prediction on D:      " + Arrays.toString(predictions));
        out.printf(Locale.ROOT, "accuracy = %.4f (%d of %d)%n", accuracy, correct, SAMPLES);

        Path plot = Plots.line(dir.resolve("loss.png"), "Logistic regression with the backend: training loss",
                "iteration", "binary cross-entropy", List.of(new Plots.Series("training loss", Plots.range(iterations), losses)), false);
        out.println();
        out.println("Figure: " + plot);
        return new Result(losses, w.getValue().toFloatArray(), b.getValue().item(), targets, predictions, accuracy, plot);
    }

    private static int[] toInts(Tensor t) {
        double[] d = t.to(DType.FLOAT64).toDoubleArray();
        int[] r = new int[d.length];
        for (int i = 0; i < d.length; i++) r[i] = (int) Math.round(d[i]);
        return r;
    }
}
