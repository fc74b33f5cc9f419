// Tutorial 3, the backend part, in JShell: placeholders summed into a symbolic tensor, the graph dumped,
// values fed through K.function, and variables multiplied with K.dot and K.eval. Run it with:
//   ./vela shell samples/src/main/jshell/tutorial3-backend.jsh
// jshell does not echo values in a loaded file, so everything worth seeing is printed.
import dev.vela.*;
import static dev.vela.K.*;

clearSession();

Tensor a = placeholder(2, 2);
Tensor b = placeholder(2, 2);
Tensor c = a.add(b);
System.out.println("c = a + b -> " + c);

System.out.println("debugPrint(c):");
debugPrint(c);
System.out.println("toDot(c):");
System.out.print(toDot(c));

KFunction f = function(List.of(a, b), List.of(c));
Tensor fed = f.call(Tensor.of(new float[][] {{1, 2}, {3, 4}}), Tensor.of(new float[][] {{5, 6}, {7, 8}})).get(0);
System.out.println("f([[1, 2], [3, 4]], [[5, 6], [7, 8]]) = " + java.util.Arrays.toString(fed.toFloatArray()));
System.out.println(fed);

Tensor v = variable(Tensor.of(new float[][] {{1, 2}, {3, 4}}), "v");
Tensor w = variable(Tensor.of(new float[][] {{1, 0}, {1, 1}}), "w");
Tensor d = dot(v, w);
System.out.println("dot(v, w) -> " + d);
Tensor product = eval(d);
System.out.println("eval(dot(v, w)) = " + java.util.Arrays.toString(product.toFloatArray()));
System.out.println(product);
