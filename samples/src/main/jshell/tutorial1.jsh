// Tutorial 1 in JShell: logistic regression with the Keras backend (placeholders, variables, the printed graph,
// gradients, updates, K.function), 1000 iterations on 16 samples. Run it with:
//   ./vela shell samples/src/main/jshell/tutorial1.jsh
// jshell does not echo values in a loaded file, so everything worth seeing is printed.
import dev.vela.*;
import static dev.vela.K.*;

clearSession();
Generator g = new Generator(2);

// 16 samples of 5 features; the label is 1 where a noisy linear score is positive
Tensor xData = Tensor.randn(g, 16, 5);
Tensor yData = xData.matmul(Tensor.of(new float[][] {{1.5f}, {-1f}, {0.5f}, {0f}, {0f}})).add(Tensor.randn(g, 16, 1)).gt(0).to(DType.FLOAT32);

Tensor x = placeholder("x", -1, 5);                   // shape (None, 5)
Tensor y = placeholder("y", -1, 1);
Tensor W = variable(Tensor.randn(g, 5, 1).mul(0.01), "W");
Tensor b = variable(Tensor.zeros(1), "b");

Tensor yHat = sigmoid(dot(x, W).add(b));
System.out.println("yHat = " + yHat);
System.out.println("pp(yHat) = " + pp(yHat));
System.out.println("debugPrint(yHat):");
debugPrint(yHat);

Tensor loss = mean(binaryCrossentropy(y, yHat));
List<Tensor> grads = gradients(loss, List.of(W, b));
System.out.println("loss = " + loss);
System.out.println("grads = " + grads);

double lr = 0.1;
KFunction train = function(List.of(x, y), List.of(loss),
        List.of(update(W, W.sub(grads.get(0).mul(lr))), update(b, b.sub(grads.get(1).mul(lr)))));

double lastLoss = Double.NaN;
for (int i = 0; i < 1000; i++) {
    lastLoss = train.call(xData, yData).get(0).item();
    if (i % 100 == 0 || i == 999) System.out.printf(java.util.Locale.ROOT, "iteration %4d: loss %.4f%n", i, lastLoss);
}
System.out.printf(java.util.Locale.ROOT, "final loss = %.4f%n", lastLoss);

System.out.println("W.getValue() = " + W.getValue());
System.out.println("b.getValue() = " + b.getValue());

KFunction predict = function(List.of(x), List.of(yHat));
Tensor predicted = predict.call(xData).get(0).gt(0.5).to(DType.FLOAT32);
System.out.println("targets     = " + java.util.Arrays.toString(yData.toFloatArray()));
System.out.println("predictions = " + java.util.Arrays.toString(predicted.toFloatArray()));
double accuracy = predicted.eq(yData).to(DType.FLOAT64).mean().item();
System.out.printf(java.util.Locale.ROOT, "accuracy = %.4f%n", accuracy);
