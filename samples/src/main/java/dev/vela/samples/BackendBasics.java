/*
 * Tutorial 3, first part: the backend's building blocks. Two placeholders summed give a symbolic tensor, the
 * graph behind it can be dumped, feeding values computes it, and variables with K.dot evaluate at once.
 */
package dev.vela.samples;

import static dev.vela.K.dot;
import static dev.vela.K.eval;
import static dev.vela.K.function;
import static dev.vela.K.placeholder;
import static dev.vela.K.toDot;
import static dev.vela.K.variable;

import dev.vela.K;
import dev.vela.KFunction;
import dev.vela.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code a = placeholder(2, 2); b = placeholder(2, 2); c = a + b} prints
 * {@code Tensor("add:0", shape=(2, 2), dtype=float32)}; {@code debugPrint(c)} and {@code toDot(c)} dump the
 * graph (the dot text is also written to {@code graph.dot}); {@code function([a, b], [c])} computes it from fed
 * values; {@code eval(dot(v, v))} multiplies two variables.
 *
 * <pre>{@code
 * $ ./vela sample BackendBasics [--out DIR] [--device cpu|cuda]
 * }</pre>
 */
public final class BackendBasics {

    static final String NAME = "BackendBasics";

    private BackendBasics() {
    }

    /** The printed symbolic sum, the fed result, the product of the variables and the graph file. */
    record Result(String symbolic, float[] fed, float[] product, Path graphFile) {
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, BackendBasics::run);
    }

    static Result run(String[] args) {
        PrintStream out = System.out;
        Cli cli = Cli.parse(NAME, args, Cli.options());
        Path dir = cli.out();
        out.println(cli.banner());
        out.println();

        out.println("a = placeholder(2, 2); b = placeholder(2, 2)");
        Tensor a = placeholder(2, 2);
        Tensor b = placeholder(2, 2);
        out.println("a -> " + a);
        out.println("b -> " + b);
        Tensor c = a.add(b);
        out.println("c = a + b");
        out.println(c);
        out.println();

        out.println("The graph of c, debugPrint(c):");
        K.debugPrint(c);
        String dotText = toDot(c);
        out.println("and as Graphviz text, toDot(c):");
        out.print(dotText);
        Path graphFile = dir.resolve("graph.dot");
        try {
            Files.writeString(graphFile, dotText);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + graphFile, e);
        }
        out.println();

        out.println("Feeding values: f = function([a, b], [c]); f([[1, 2], [3, 4]], [[5, 6], [7, 8]])");
        KFunction f = function(List.of(a, b), List.of(c));
        Tensor fed = f.call(Tensor.of(new float[][] {{1, 2}, {3, 4}}), Tensor.of(new float[][] {{5, 6}, {7, 8}})).get(0);
        out.println(fed);
        out.println();

        out.println("Variables: v = variable([[1, 2], [3, 4]]); w = variable([[1, 0], [1, 1]])");
        Tensor v = variable(Tensor.of(new float[][] {{1, 2}, {3, 4}}), "v");
        Tensor w = variable(Tensor.of(new float[][] {{1, 0}, {1, 1}}), "w");
        out.println(v);
        Tensor d = dot(v, w);
        out.println("dot(v, w) -> " + d);
        out.println("eval(dot(v, w))");
        Tensor product = eval(d);
        out.println(product);
        out.println();
        out.println("Graph written to " + graphFile);
        return new Result(c.toString(), fed.toFloatArray(), product.toFloatArray(), graphFile);
    }
}
