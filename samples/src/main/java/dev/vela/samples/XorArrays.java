/*
 * Tutorial 4: XOR learned by a two-layer network written with plain tensor operations, the gradients worked
 * out by hand (no autograd): forward pass, backpropagated errors, and the weight updates.
 */
package dev.vela.samples;

import dev.vela.Autograd;
import dev.vela.Generator;
import dev.vela.Tensor;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code h = sigmoid(X W1 + b1)}, {@code out = sigmoid(h W2 + b2)}, loss {@code mean((out - y)^2)}; the
 * backward pass by the chain rule written out:
 * {@code dOut = 2 (out - y) / n * out (1 - out)}, {@code dW2 = hᵀ dOut}, {@code db2 = sum(dOut)},
 * {@code dH = dOut W2ᵀ * h (1 - h)}, {@code dW1 = Xᵀ dH}, {@code db1 = sum(dH)}; then {@code p -= lr dp}.
 * Writes {@code loss.png}.
 *
 * <pre>{@code
 * $ ./vela sample XorArrays [--iterations 5000] [--hidden 4] [--lr 2.0] [--out DIR] [--device cpu|cuda]
 * }</pre>
 */
public final class XorArrays {

    static final String NAME = "XorArrays";

    private XorArrays() {
    }

    /** The loss of every iteration, the network's outputs and their rounding. */
    record Result(double[] losses, float[] outputs, int[] predictions, Path lossPlot) {
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, XorArrays::run);
    }

    static Result run(String[] args) {
        PrintStream out = System.out;
        Cli cli = Cli.parse(NAME, args, Cli.options(
                "--iterations", "gradient steps on the four samples (default 5000)",
                "--hidden", "hidden units (default 4)",
                "--lr", "learning rate (default 2.0)"));
        int iterations = cli.intOption("--iterations", 5000);
        int hidden = cli.intOption("--hidden", 4);
        double lr = cli.doubleOption("--lr", 2.0);
        Path dir = cli.out();
        out.println(cli.banner());
        out.println();

        Tensor x = Tensor.of(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        Tensor y = Tensor.of(new float[][] {{0}, {1}, {1}, {0}});
        int n = x.dims()[0];
        out.println("X = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [0, 1, 1, 0]");
        out.println("W1 (2, " + hidden + "), W2 (" + hidden + ", 1): uniform in [-1, 1); b1, b2 zero");

        Generator g = new Generator(1);
        Tensor w1 = Tensor.rand(g, 2, hidden).mul(2).sub(1);
        Tensor b1 = Tensor.zeros(hidden);
        Tensor w2 = Tensor.rand(g, hidden, 1).mul(2).sub(1);
        Tensor b2 = Tensor.zeros(1);

        double[] losses = new double[iterations];
        int every = Math.max(1, iterations / 10);
        Tensor output = null;
        try (var ng = Autograd.noGrad()) { // nothing to record: every gradient below is written out by hand
            for (int i = 0; i < iterations; i++) {
                // forward
                Tensor h = x.matmul(w1).add(b1).sigmoid();
                output = h.matmul(w2).add(b2).sigmoid();
                Tensor error = output.sub(y);
                losses[i] = error.square().mean().item();
                if (i % every == 0 || i == iterations - 1) {
                    out.printf(Locale.ROOT, "iteration %5d: loss %.6f   mean |error| %.4f%n", i, losses[i], error.abs().mean().item());
                }
                // backward: d loss / d pre-activation of the output, then of the hidden layer
                Tensor dOut = error.mul(2.0 / n).mul(output.mul(output.rsub(1)));
                Tensor dW2 = h.transpose().matmul(dOut);
                Tensor db2 = dOut.sum(0, false);
                Tensor dH = dOut.matmul(w2.transpose()).mul(h.mul(h.rsub(1)));
                Tensor dW1 = x.transpose().matmul(dH);
                Tensor db1 = dH.sum(0, false);
                // gradient descent
                w2 = w2.sub(dW2.mul(lr));
                b2 = b2.sub(db2.mul(lr));
                w1 = w1.sub(dW1.mul(lr));
                b1 = b1.sub(db1.mul(lr));
            }
        }
        float[] outputs = output.reshape(n).toFloatArray();
        int[] predictions = new int[n];
        for (int i = 0; i < n; i++) predictions[i] = Math.round(outputs[i]);
        out.println();
        out.println("Output after training:");
        out.println(output);
        out.println("Rounded predictions: " + Arrays.toString(predictions));

        Path plot = Plots.line(dir.resolve("loss.png"), "XOR with hand-written backpropagation: training loss",
                "iteration", "mean squared error", List.of(new Plots.Series("training loss", Plots.range(iterations), losses)), false);
        out.println();
        out.println("Figure: " + plot);
        return new Result(losses, outputs, predictions, plot);
    }
}
