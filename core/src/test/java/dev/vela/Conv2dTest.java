package dev.vela;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * conv2d runs as one op (on the CPU: patches built and multiplied block by block); it must give exactly the
 * values of the composition it replaces (patches, reshape, matmul) and the same gradients.
 */
class Conv2dTest {
    /** The composition conv2d used to be: im2col then one product. */
    static Tensor composed(Tensor x, Tensor k, int[] strides, String padding) {
        int kh = k.shape().dim(0), kw = k.shape().dim(1), c = k.shape().dim(2), o = k.shape().dim(3);
        LinalgOps.Window w = LinalgOps.Window.of("conv2d", x.shape().raw(), kh, kw, strides[0], strides[1], padding);
        Tensor cols = Op.apply(new LinalgOps.Patches(w, 0.0), x).reshape(-1, kh * kw * c);
        return cols.matmul(k.reshape(kh * kw * c, o)).reshape(-1, w.oh(), w.ow(), o);
    }

    @ParameterizedTest
    @CsvSource({
        // n, h, w, c, kh, kw, o, stride, padding, dtype
        "8, 28, 28, 32, 3, 3, 32, 1, same, FLOAT32",   // the benchmark's shape: many blocks, both threads
        "2, 9, 7, 3, 3, 3, 5, 2, same, FLOAT32",
        "1, 6, 6, 4, 5, 5, 300, 1, valid, FLOAT32",  // wide output: the packed product path
        "3, 5, 8, 2, 2, 3, 7, 1, valid, FLOAT32",
        "2, 9, 7, 3, 3, 3, 5, 2, same, FLOAT64"})    // float64: the backend's default (whole patch matrix)
    void equalsPatchesThenMatmulBitForBit(int n, int h, int w, int c, int kh, int kw, int o, int stride, String padding, DType dt) {
        Generator g = new Generator(n * 100 + o);
        Tensor x = g.normal(dt, 0, 1, n, h, w, c), k = g.normal(dt, 0, 0.2, kh, kw, c, o);
        int[] st = {stride, stride};
        Tensor got, want;
        try (var ng = Autograd.noGrad()) {
            got = NN.conv2d(x, k, st, padding);
            want = composed(x, k, st, padding);
        }
        assertEquals(want.shape(), got.shape());
        if (dt == DType.FLOAT32) assertArrayEquals(want.toFloatArray(), got.toFloatArray());
        else assertArrayEquals(want.toDoubleArray(), got.toDoubleArray());
    }

    @ParameterizedTest
    @CsvSource({"1, 6, 5, 3, 3, 3, 4, 1, same", "2, 7, 7, 2, 3, 2, 3, 2, valid"})
    void gradientsEqualTheComposition(int n, int h, int w, int c, int kh, int kw, int o, int stride, String padding) {
        Generator g = new Generator(7);
        Tensor x = g.normal(DType.FLOAT64, 0, 1, n, h, w, c).requiresGrad(true);
        Tensor k = g.normal(DType.FLOAT64, 0, 0.3, kh, kw, c, o).requiresGrad(true);
        Tensor up = g.normal(DType.FLOAT64, 0, 1, n, (h - (padding.equals("same") ? 1 : kh)) / stride + 1,
                (w - (padding.equals("same") ? 1 : kw)) / stride + 1, o);
        int[] st = {stride, stride};
        List<Tensor> a = Autograd.grad(List.of(NN.conv2d(x, k, st, padding).mul(up).sum()), List.of(x, k));
        List<Tensor> b = Autograd.grad(List.of(composed(x, k, st, padding).mul(up).sum()), List.of(x, k));
        for (int i = 0; i < 2; i++) assertArrayEquals(b.get(i).toDoubleArray(), a.get(i).toDoubleArray(), 1e-12, "gradient " + i);
    }
}
