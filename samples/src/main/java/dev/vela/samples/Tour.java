/*
 * A short tour of Vela's tensors and autograd, printing real computed results: what `./vela demo` runs.
 */
package dev.vela.samples;

import dev.vela.Autograd;
import dev.vela.GradCheck;
import dev.vela.K;
import dev.vela.KFunction;
import dev.vela.Generator;
import dev.vela.Tensor;
import java.io.PrintStream;
import java.util.List;

/**
 * Creates tensors, broadcasts, multiplies matrices, reduces, takes a softmax, then differentiates
 * {@code y = (a @ a + 1).relu().sum()} and checks a gradient by finite differences.
 *
 * <pre>{@code
 * $ ./vela demo
 * }</pre>
 */
public final class Tour {

    private Tour() {
    }

    /**
     * Runs the tour, printing to standard output.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        out.println("Vela tour: tensors and autograd");
        out.println();

        out.println("-- Tensors --");
        Tensor a = Tensor.of(new float[][] {{1, 2}, {3, 4}});
        show(out, "a = Tensor.of(new float[][] {{1, 2}, {3, 4}})", a);
        Tensor b = Tensor.of(new float[] {10, 20});
        show(out, "b = Tensor.of(new float[] {10, 20})", b);
        show(out, "a.add(b)            // broadcasting: (2, 2) + (2,) -> (2, 2)", a.add(b));
        show(out, "a.matmul(a)", a.matmul(a));
        show(out, "a.sum(0, false)     // column sums", a.sum(0, false));
        out.println("a.mean().item()     = " + a.mean().item());
        Tensor p = a.softmax(1);
        show(out, "a.softmax(1)        // each row sums to 1", p);
        show(out, "a.softmax(1).sum(1, false)", p.sum(1, false));

        out.println("-- Autograd --");
        a.requiresGrad(true);
        out.println("a.requiresGrad(true);");
        Tensor y = a.matmul(a).add(1).relu().sum();
        out.println("y = a.matmul(a).add(1).relu().sum();");
        out.println("y.item()            = " + y.item());
        y.backward();
        show(out, "y.backward(); a.grad()   // dy/da = 1 a^T + a^T 1", a.grad());
        try (var ng = Autograd.noGrad()) {
            Tensor z = a.mul(2);
            out.println("try (var ng = Autograd.noGrad()) { z = a.mul(2); }");
            out.println("z.requiresGrad()    = " + z.requiresGrad() + "   // nothing recorded inside noGrad");
        }
        Generator g = new Generator(42);
        Tensor u = Tensor.randn(g, 3, 4);
        Tensor v = Tensor.randn(g, 4, 2);
        boolean ok = GradCheck.check(x -> x[0].matmul(x[1]).tanh().sum(), u, v);
        out.println("GradCheck.check(x -> x[0].matmul(x[1]).tanh().sum(), randn(3, 4), randn(4, 2)) = " + ok);
        out.println();

        out.println("-- The Keras backend: placeholders, variables, K.function --");
        K.clearSession();
        Tensor x = K.placeholder("x", -1, 3);
        Tensor t = K.placeholder("t", -1, 1);
        Tensor w = K.variable(Tensor.zeros(3, 1), "W");
        Tensor bias = K.variable(Tensor.zeros(1), "b");
        Tensor yHat = K.sigmoid(K.dot(x, w).add(bias));
        out.println("yHat = sigmoid(dot(x, W).add(b))  ->  " + yHat);
        out.println("pp(yHat)            = " + K.pp(yHat));
        Tensor loss = K.mean(K.binaryCrossentropy(t, yHat));
        List<Tensor> grads = K.gradients(loss, List.of(w, bias));
        KFunction train = K.function(List.of(x, t), List.of(loss),
                List.of(K.update(w, w.sub(grads.get(0).mul(0.5))), K.update(bias, bias.sub(grads.get(1).mul(0.5)))));
        Tensor xs = Tensor.of(new float[][] {{1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {0, 0, 1}});
        Tensor ts = Tensor.of(new float[][] {{1}, {0}, {1}, {0}});
        double first = train.call(xs, ts).get(0).item(), last = first;
        for (int i = 0; i < 200; i++) last = train.call(xs, ts).get(0).item();
        out.printf(java.util.Locale.ROOT, "train = function([x, t], [loss], updates): loss %.4f -> %.4f after 200 calls%n", first, last);
        show(out, "W.getValue()", w.getValue());
    }

    private static void show(PrintStream out, String label, Tensor t) {
        out.println(label);
        out.println(t);
        out.println();
    }
}
