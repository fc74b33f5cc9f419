/*
 * Tutorial 2: softmax regression on the Otto Group product data with the Keras backend (CSV loading, standard
 * scaling, label encoding, one-hot targets, K.softmax, K.categoricalCrossentropy, K.constant learning rate,
 * gradients and updates in a K.function), trained in minibatches, with the loss history plotted.
 */
package dev.vela.samples;

import static dev.vela.K.categoricalCrossentropy;
import static dev.vela.K.constant;
import static dev.vela.K.dot;
import static dev.vela.K.function;
import static dev.vela.K.gradients;
import static dev.vela.K.mean;
import static dev.vela.K.placeholder;
import static dev.vela.K.softmax;
import static dev.vela.K.update;
import static dev.vela.K.variable;

import dev.vela.DType;
import dev.vela.Generator;
import dev.vela.KFunction;
import dev.vela.Tensor;
import dev.vela.nn.data.Batches;
import dev.vela.nn.data.CsvLoader;
import dev.vela.nn.data.LabelEncoder;
import dev.vela.nn.data.StandardScaler;
import dev.vela.nn.data.Utils;
import dev.vela.nn.data.XY;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Softmax regression, {@code softmax(dot(x, W) + b)}, on the 61,878 rows of the Otto Group training file
 * ({@code otto/train.csv.gz} under a data folder: {@code --data DIR}, {@code -Dvela.data}, {@code VELA_DATA} or
 * {@code ../shared/data}). Without the file it says where to put it and exits normally. Writes
 * {@code loss.png}.
 *
 * <pre>{@code
 * $ ./vela sample OttoSoftmax [--epochs 5] [--batch-size 128] [--iterations N] [--lr 0.1] [--data DIR]
 * }</pre>
 */
public final class OttoSoftmax {

    static final String NAME = "OttoSoftmax";

    private OttoSoftmax() {
    }

    /** The loss of every minibatch, the training accuracy at the end, and the figure; {@code file} null when skipped. */
    record Result(Path file, double[] losses, double accuracy, Path lossPlot) {
        boolean skipped() {
            return file == null;
        }
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, OttoSoftmax::run);
    }

    /** The training file in {@code dir}, compressed or not, or null. */
    static Path trainFile(Path dir) {
        for (String name : List.of("train.csv.gz", "train.csv")) {
            if (Files.isRegularFile(dir.resolve(name))) return dir.resolve(name);
        }
        return null;
    }

    static Result run(String[] args) {
        PrintStream out = System.out;
        Cli cli = Cli.parse(NAME, args, Cli.options(
                "--data", "folder holding otto/train.csv.gz (or train.csv.gz itself)",
                "--epochs", "passes over the data (default 5)",
                "--batch-size", "rows per minibatch (default 128)",
                "--iterations", "stop after this many minibatches (default: all of the epochs)",
                "--lr", "learning rate, K.constant(lr) (default 0.1)"));
        int epochs = cli.intOption("--epochs", 5);
        int batchSize = cli.intOption("--batch-size", 128);
        double rate = cli.doubleOption("--lr", 0.1);
        Path dir = cli.out();
        out.println(cli.banner());
        out.println();

        DataFiles.Found found = DataFiles.find(cli.option("--data"), "otto", d -> trainFile(d) != null);
        if (found.folder().isEmpty()) {
            out.println("The Otto Group training data was not found, so this sample stops here. Looked in:");
            out.println(found.triedText());
            out.println("Put the Kaggle \"Otto Group Product Classification Challenge\" training file train.csv (or");
            out.println("train.csv.gz) into a folder named otto under a data folder, e.g. ../shared/data/otto/train.csv.gz");
            out.println("beside the project, and point to the data folder with --data DIR, -Dvela.data=DIR or VELA_DATA=DIR.");
            return new Result(null, new double[0], Double.NaN, null);
        }
        Path file = trainFile(found.folder().get());
        out.println("Loading " + file);
        CsvLoader.Data data;
        try {
            data = new CsvLoader().label("target").drop("id").load(file);
        } catch (IOException e) {
            throw new UncheckedIOException(NAME + ": cannot read " + file, e);
        }
        Tensor xTrain = new StandardScaler().fitTransform(data.features());
        LabelEncoder encoder = new LabelEncoder();
        int[] labels = encoder.fitTransform(data.labels());
        Tensor yTrain = Utils.toCategorical(labels, encoder.numClasses());
        int nbClasses = yTrain.dims()[1];
        int dims = xTrain.dims()[1];
        out.println(nbClasses + " classes");
        out.println(dims + " dims");
        out.println(xTrain.dims()[0] + " samples");
        out.println();

        Generator g = new Generator(1);
        Tensor x = placeholder("x", -1, dims);
        Tensor target = placeholder("target", -1, nbClasses);
        Tensor w = variable(Tensor.rand(g, dims, nbClasses), "W");
        Tensor b = variable(Tensor.rand(g, nbClasses), "b");
        Tensor y = dot(x, w).add(b);
        Tensor activation = softmax(y);
        Tensor loss = mean(categoricalCrossentropy(target, activation));
        Tensor lr = constant(rate);
        List<Tensor> grads = gradients(loss, List.of(w, b));
        KFunction train = function(List.of(x, target), List.of(loss),
                List.of(update(w, w.sub(lr.mul(grads.get(0)))), update(b, b.sub(lr.mul(grads.get(1))))));
        out.println("y = dot(x, W) + b; activation = softmax(y) -> " + activation);
        out.println("loss = mean(categoricalCrossentropy(target, activation)) -> " + loss);
        out.println("lr = constant(" + rate + "); grads = gradients(loss, [W, b])");
        out.println("train = function([x, target], [loss], [(W, W - lr * grads[0]), (b, b - lr * grads[1])])");
        out.println();

        Batches batches = Batches.of(xTrain, yTrain, batchSize).shuffle(7);
        int perEpoch = batches.numBatches();
        int iterations = Math.min(perEpoch * epochs, cli.intOption("--iterations", Integer.MAX_VALUE));
        out.printf(Locale.ROOT, "Training: %d iterations (minibatches of %d, %d per epoch)%n", iterations, batchSize, perEpoch);
        double[] lossHistory = new double[iterations];
        int every = Math.max(1, Math.min(100, iterations / 10));
        int it = 0;
        double windowSum = 0;
        for (int epoch = 0; it < iterations; epoch++) {
            Iterator<XY> epochBatches = batches.epoch(epoch);
            while (epochBatches.hasNext() && it < iterations) {
                XY batch = epochBatches.next();
                lossHistory[it] = train.call(batch.x(), batch.y()).get(0).item();
                windowSum += lossHistory[it];
                it++;
                if (it % every == 0 || it == iterations) {
                    int n = it % every == 0 ? every : it % every;
                    out.printf(Locale.ROOT, "Loss: %.4f   (iteration %d, epoch %d, mean of the last %d minibatches)%n",
                            windowSum / n, it, epoch + 1, n);
                    windowSum = 0;
                }
            }
        }

        KFunction predict = function(List.of(x), List.of(activation));
        Tensor predicted = predict.call(xTrain).get(0).argmax(-1);
        double accuracy = predicted.eq(Tensor.of(labels).to(predicted.dtype())).to(DType.FLOAT64).mean().item();
        out.println();
        out.printf(Locale.ROOT, "training accuracy: %.4f%n", accuracy);

        int window = Math.max(1, Math.min(100, iterations / 20));
        Path plot = Plots.line(dir.resolve("loss.png"), "Softmax regression on the Otto Group data: training loss",
                "iteration (minibatch of " + batchSize + ")", "categorical cross-entropy", List.of(
                        new Plots.Series("minibatch loss", Plots.range(iterations), lossHistory),
                        new Plots.Series("moving average over " + window, Plots.range(iterations), movingAverage(lossHistory, window))),
                false);
        out.println();
        out.println("Figure: " + plot);
        return new Result(file, lossHistory, accuracy, plot);
    }

    static double[] movingAverage(double[] v, int window) {
        double[] r = new double[v.length];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += v[i];
            if (i >= window) sum -= v[i - window];
            r[i] = sum / Math.min(i + 1, window);
        }
        return r;
    }
}
