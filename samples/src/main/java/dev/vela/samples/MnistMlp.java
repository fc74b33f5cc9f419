/*
 * Tutorial 3, second part: MNIST with a Keras Sequential model. Flatten the images, scale to [0, 1], reduce to
 * 60 principal components, one-hot the labels, train Dense(128)-relu-Dense(10)-softmax with Adam, then train on
 * with a validation split of 1/6, and evaluate on the test set.
 */
package dev.vela.samples;

import dev.vela.Tensor;
import dev.vela.nn.Activation;
import dev.vela.nn.Dense;
import dev.vela.nn.FitOptions;
import dev.vela.nn.History;
import dev.vela.nn.Sequential;
import dev.vela.nn.data.Mnist;
import dev.vela.nn.data.PCA;
import dev.vela.nn.data.Utils;
import dev.vela.optim.Adam;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The MNIST multilayer perceptron on 60 PCA components. MNIST is read from a data folder holding
 * {@code mnist/} ({@code --data DIR}, {@code -Dvela.data}, {@code VELA_DATA}, {@code ../shared/data}, or
 * {@code ~/.vela/datasets}); without it the sample says how to get the files and exits normally. Writes
 * {@code loss.png} and {@code accuracy.png} (training and validation curves of the second {@code fit}).
 *
 * <pre>{@code
 * $ ./vela sample MnistMlp [--epochs 5] [--val-epochs 5] [--batch-size 32] [--data DIR] [--device cpu|cuda]
 * }</pre>
 */
public final class MnistMlp {

    static final String NAME = "MnistMlp";

    private MnistMlp() {
    }

    /** Test loss and accuracy, the two fit histories, and the figures; {@code dataDir} null when skipped. */
    record Result(Path dataDir, long params, double testLoss, double testAccuracy, History first, History second,
            List<Path> plots) {
        boolean skipped() {
            return dataDir == null;
        }
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, MnistMlp::run);
    }

    /** Where the four MNIST files are, looked for as {@link DataFiles} does; the Found says where it looked. */
    static DataFiles.Found locate(String explicit) {
        return DataFiles.find(explicit, "mnist", d -> List.of(Mnist.TRAIN_IMAGES, Mnist.TRAIN_LABELS, Mnist.TEST_IMAGES, Mnist.TEST_LABELS).stream().allMatch(
                f -> java.nio.file.Files.isRegularFile(d.resolve(f)) || java.nio.file.Files.isRegularFile(d.resolve(f + ".gz"))));
    }

    /** What to do when MNIST is missing. */
    static String howToGetIt(DataFiles.Found found) {
        return "MNIST was not found, so this sample stops here. Looked in:\n" + found.triedText() + "\n"
                + "Get the four files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz,\n"
                + "t10k-labels-idx1-ubyte.gz) from " + Mnist.DEFAULT_MIRROR + " into a folder named mnist under a data\n"
                + "folder (e.g. ../shared/data/mnist beside the project) and pass --data DIR, -Dvela.data=DIR or VELA_DATA=DIR;\n"
                + "or, on a machine with internet, download them with checksums into " + Mnist.defaultCacheDir() + ":\n"
                + "  jshell> dev.vela.nn.data.Mnist.download(dev.vela.nn.data.Mnist.defaultCacheDir())";
    }

    static Result run(String[] args) {
        PrintStream out = System.out;
        Cli cli = Cli.parse(NAME, args, Cli.options(
                "--data", "folder holding mnist/ (or the four IDX files)",
                "--epochs", "epochs of the first fit (default 5)",
                "--val-epochs", "epochs of the second fit, with validation split 1/6 (default 5)",
                "--batch-size", "minibatch size (default 32)"));
        int epochs = cli.intOption("--epochs", 5);
        int valEpochs = cli.intOption("--val-epochs", 5);
        int batchSize = cli.intOption("--batch-size", 32);
        Path dir = cli.out();
        out.println(cli.banner());
        out.println();

        DataFiles.Found found = locate(cli.option("--data"));
        if (found.folder().isEmpty()) {
            out.println(howToGetIt(found));
            return new Result(null, 0, Double.NaN, Double.NaN, null, null, List.of());
        }
        Path mnistDir = found.folder().get();
        Mnist.Data d;
        try {
            d = Mnist.load(mnistDir);
        } catch (IOException e) {
            throw new UncheckedIOException(NAME + ": cannot read MNIST from " + mnistDir, e);
        }
        out.println("MNIST from " + mnistDir);
        out.println("X_train original shape " + d.xTrain().shape());
        out.println("y_train original shape " + d.yTrain().shape());

        int nTrain = d.xTrain().dims()[0], nTest = d.xTest().dims()[0];
        Tensor xTrain = d.xTrain().reshape(nTrain, 784).div(255);
        Tensor xTest = d.xTest().reshape(nTest, 784).div(255);
        out.println("Training matrix shape " + xTrain.shape());
        out.println("Testing matrix shape " + xTest.shape());

        PCA pca = new PCA(60);
        Tensor zTrain = pca.fitTransform(xTrain);
        Tensor zTest = pca.transform(xTest);
        double kept = Arrays.stream(pca.explainedVarianceRatio()).sum();
        out.printf(Locale.ROOT, "PCA to 60 components: %s, explained variance ratio %.4f%n", zTrain.shape(), kept);

        Tensor yTrain = Utils.toCategorical(d.yTrain(), 10);
        Tensor yTest = Utils.toCategorical(d.yTest(), 10);
        out.println("First labels " + Arrays.toString(Arrays.copyOf(d.yTrain().toIntArray(), 5))
                + " one-hot: Y_train " + yTrain.shape());
        out.println();

        Sequential model = new Sequential();
        model.add(new Dense(128).inputShape(60));
        model.add(new Activation("relu"));
        model.add(new Dense(10));
        model.add(new Activation("softmax"));
        model.summary();
        model.compile(new Adam(), "categorical_crossentropy", "accuracy");
        out.println();

        out.println("model.fit(X_train, Y_train, epochs=" + epochs + ", batch_size=" + batchSize + ")");
        History first = model.fit(zTrain, yTrain, new FitOptions().epochs(epochs).batchSize(batchSize).verbose(1));
        out.println();

        out.println("model.fit(X_train, Y_train, epochs=" + valEpochs + ", batch_size=" + batchSize
                + ", validation_split=1/6)   // continues from the trained weights");
        History second = model.fit(zTrain, yTrain,
                new FitOptions().epochs(valEpochs).batchSize(batchSize).verbose(1).validationSplit(1 / 6.0));
        out.println();

        List<Double> score = model.evaluate(zTest, yTest, batchSize);
        out.printf(Locale.ROOT, "Test loss: %.4f%n", score.get(0));
        out.printf(Locale.ROOT, "Test accuracy: %.4f%n", score.get(1));

        List<Path> plots = new ArrayList<>();
        Map<String, List<Double>> h = second.history();
        double[] ep = Plots.range(1, h.get("loss").size());
        plots.add(Plots.line(dir.resolve("loss.png"), "MNIST MLP: loss (fit with validation split 1/6)", "epoch",
                "categorical cross-entropy", List.of(new Plots.Series("training", ep, Plots.toArray(h.get("loss"))),
                        new Plots.Series("validation", ep, Plots.toArray(h.get("val_loss")))), false));
        String acc = h.containsKey("accuracy") ? "accuracy" : "acc";
        plots.add(Plots.line(dir.resolve("accuracy.png"), "MNIST MLP: accuracy (fit with validation split 1/6)", "epoch",
                "accuracy", List.of(new Plots.Series("training", ep, Plots.toArray(h.get(acc))),
                        new Plots.Series("validation", ep, Plots.toArray(h.get("val_" + acc)))), false));
        out.println();
        out.println("Figures: " + plots.get(0) + ", " + plots.get(1));
        return new Result(mnistDir, model.countParams(), score.get(0), score.get(1), first, second, plots);
    }
}
