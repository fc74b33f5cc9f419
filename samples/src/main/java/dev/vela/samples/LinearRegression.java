/*
 * Tutorial 2's exercise: linear regression by gradient descent written with the Keras backend, recovering
 * w = 0.96 and b = 0.24 from y = 0.96 x + 0.24.
 */
package dev.vela.samples;

import static dev.vela.K.eval;
import static dev.vela.K.function;
import static dev.vela.K.gradients;
import static dev.vela.K.mean;
import static dev.vela.K.placeholder;
import static dev.vela.K.square;
import static dev.vela.K.update;
import static dev.vela.K.variable;

import dev.vela.Generator;
import dev.vela.KFunction;
import dev.vela.Tensor;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code y = w * x + b}, {@code loss = mean(square(y - target))}, the updates {@code (w, w - lr * dw)} and
 * {@code (b, b - lr * db)} with {@code lr = variable(0.1)}, and {@code train = function([x, target], [loss],
 * updates)} called once per epoch on 1000 points. Prints the loss and {@code K.eval(w)}, {@code K.eval(b)};
 * writes {@code loss.png}.
 *
 * <pre>{@code
 * $ ./vela sample LinearRegression [--epochs 500] [--lr 0.1] [--out DIR] [--device cpu|cuda]
 * }</pre>
 */
public final class LinearRegression {

    static final String NAME = "LinearRegression";

    private LinearRegression() {
    }

    /** The loss of every epoch and the learned parameters. */
    record Result(double[] losses, double w, double b, Path lossPlot) {
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, LinearRegression::run);
    }

    static Result run(String[] args) {
        PrintStream out = System.out;
        Cli cli = Cli.parse(NAME, args, Cli.options(
                "--epochs", "training epochs, each one step on all 1000 points (default 500)",
                "--lr", "learning rate (default 0.1)"));
        int epochs = cli.intOption("--epochs", 500);
        double rate = cli.doubleOption("--lr", 0.1);
        Path dir = cli.out();
        out.println(cli.banner());
        out.println();

        // placeholders and variables (the tutorial's K.placeholder() takes any shape; Vela differentiates a
        // mean only over a placeholder whose rank is known, so these are vectors of any length)
        Generator g = new Generator(1);
        Tensor x = placeholder("x", -1);
        Tensor target = placeholder("target", -1);
        Tensor lr = variable(rate, "lr");
        Tensor w = variable(Tensor.rand(g, 1).reshape().item(), "w");
        Tensor b = variable(Tensor.rand(g, 1).reshape().item(), "b");
        out.println("x = placeholder(-1); target = placeholder(-1); lr = variable(" + rate + ")");
        out.printf(Locale.ROOT, "w = variable(%.4f); b = variable(%.4f)     // random initial values%n", w.item(), b.item());

        // model and loss
        Tensor y = w.mul(x).add(b);
        Tensor loss = mean(square(y.sub(target)));
        out.println("y = w * x + b                     -> " + y);
        out.println("loss = mean(square(y - target))   -> " + loss);

        // SGD updates and the training function
        List<Tensor> grads = gradients(loss, List.of(w, b));
        List<dev.vela.K.Update> updates = List.of(update(w, w.sub(lr.mul(grads.get(0)))), update(b, b.sub(lr.mul(grads.get(1)))));
        KFunction train = function(List.of(x, target), List.of(loss), updates);
        out.println("train = function([x, target], [loss], [(w, w - lr * grads[0]), (b, b - lr * grads[1])])");
        out.println();

        // data: 1000 points of y = 0.96 x + 0.24
        Tensor npX = Tensor.rand(g, 1000);
        Tensor npTarget = npX.mul(0.96).add(0.24);
        out.println("x_data = rand(1000); target_data = 0.96 * x_data + 0.24");

        double[] lossHistory = new double[epochs];
        int every = Math.max(1, epochs / 10);
        for (int epoch = 0; epoch < epochs; epoch++) {
            lossHistory[epoch] = train.call(npX, npTarget).get(0).item();
            if (epoch % every == 0) {
                out.printf(Locale.ROOT, "Loss: %.3f, w, b: [%.2f, %.2f]%n", lossHistory[epoch], eval(w).item(), eval(b).item());
            }
        }
        double wv = eval(w).item(), bv = eval(b).item();
        out.println();
        out.printf(Locale.ROOT, "K.eval(w) = %.4f%n", wv);
        out.printf(Locale.ROOT, "K.eval(b) = %.4f%n", bv);
        out.printf(Locale.ROOT, "final loss = %.3g after %d epochs%n", lossHistory[epochs - 1], epochs);

        Path plot = Plots.line(dir.resolve("loss.png"), "Linear regression with SGD: training loss (log scale)",
                "epoch", "mean squared error", List.of(new Plots.Series("Linear regression training phase",
                        Plots.range(epochs), lossHistory)), true);
        out.println();
        out.println("Figure: " + plot);
        return new Result(lossHistory, wv, bv, plot);
    }
}
