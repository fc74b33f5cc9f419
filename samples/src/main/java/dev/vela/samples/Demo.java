/*
 * What `./vela demo` runs: the tutorials one after another (the backend basics, logistic regression with the
 * backend, XOR with Keras layers, the two moons, and MNIST when its files are there), then where every figure
 * and the TensorBoard logs were written.
 */
package dev.vela.samples;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@link BackendBasics}, {@link LogisticRegression}, {@link XorKeras}, {@link Moons} and {@link MnistMlp}
 * (or says how to get MNIST), each writing into its own folder under {@code samples/out} (or {@code --out DIR}).
 *
 * <pre>{@code
 * $ ./vela demo [--out DIR] [--device cpu|cuda] [--data DIR]
 * }</pre>
 */
public final class Demo {

    static final String NAME = "Demo";

    private Demo() {
    }

    /** Every figure written, the TensorBoard folder, and whether MNIST ran. */
    record Result(List<Path> figures, Path tensorBoardLogs, boolean mnistRan) {
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, Demo::run);
    }

    static Result run(String[] args) {
        PrintStream out = System.out;
        Cli cli = Cli.parse(NAME, args, Cli.options("--data", "data folder holding mnist/ (default: as MnistMlp looks)"));
        Path base = cli.option("--out") != null ? cli.out() : Path.of("samples", "out").toAbsolutePath().normalize();
        List<String> common = Cli.common(cli);
        List<Path> figures = new ArrayList<>();

        section(out, "1. Backend basics (tutorial 3): placeholders, the graph, feeding values, variables");
        BackendBasics.Result basics = BackendBasics.run(args(base, "BackendBasics", common));

        section(out, "2. Logistic regression with the backend (tutorial 1)");
        figures.add(LogisticRegression.run(args(base, "LogisticRegression", common)).lossPlot());

        section(out, "3. XOR with Keras layers (tutorial 4)");
        figures.add(XorKeras.run(args(base, "XorKeras", common)).plot());

        section(out, "4. Two moons: Adadelta, TensorBoard and the decision boundary (tutorial 5)");
        Moons.Result moons = Moons.run(args(base, "Moons", common));
        figures.add(moons.dataPlot());
        figures.add(moons.trainingPlot());
        figures.add(moons.boundaryPlot());

        section(out, "5. MNIST: PCA to 60 components and a Sequential model (tutorial 3)");
        List<String> mnistArgs = new ArrayList<>(List.of(args(base, "MnistMlp", common)));
        if (cli.option("--data") != null) {
            mnistArgs.add("--data");
            mnistArgs.add(cli.option("--data"));
        }
        boolean mnistRan;
        if (MnistMlp.locate(cli.option("--data")).folder().isPresent()) {
            MnistMlp.Result mnist = MnistMlp.run(mnistArgs.toArray(String[]::new));
            figures.addAll(mnist.plots());
            mnistRan = true;
        } else {
            out.println(MnistMlp.howToGetIt(MnistMlp.locate(cli.option("--data"))));
            mnistRan = false;
        }

        section(out, "Done");
        out.println("Figures (PNG):");
        for (Path f : figures) out.println("  " + f);
        out.println("Graph of the backend basics (Graphviz): " + basics.graphFile());
        out.println("TensorBoard logs: " + moons.logDir() + "   (tensorboard --logdir " + moons.logDir() + ")");
        return new Result(figures, moons.logDir(), mnistRan);
    }

    private static String[] args(Path base, String sample, List<String> common) {
        List<String> a = new ArrayList<>(List.of("--out", base.resolve(sample).toString()));
        a.addAll(common);
        return a.toArray(String[]::new);
    }

    private static void section(PrintStream out, String title) {
        out.println();
        out.println("=".repeat(78));
        out.println(title);
        out.println("=".repeat(78));
    }
}
