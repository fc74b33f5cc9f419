// Tensors on the GPU through the public API: moving, printing, autograd and a training step, against the CPU.
package dev.vela.cuda;

import dev.vela.DType;
import dev.vela.Device;
import dev.vela.Generator;
import dev.vela.Losses;
import dev.vela.NN;
import dev.vela.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CudaTensorTest {
    static Device dev;

    @BeforeEach
    void cuda() {
        CudaTesting.requireCuda();
        dev = Device.cuda(0);
    }

    @Test
    void roundTripKeepsEveryDtype() {
        assertArrayEquals(new float[] {1.5f, -2, 3}, Tensor.of(new float[] {1.5f, -2, 3}).to(dev).to(Device.CPU).toFloatArray());
        assertArrayEquals(new long[] {1, -2, 1L << 40}, Tensor.of(new long[] {1, -2, 1L << 40}).to(dev).to(Device.CPU).toLongArray());
        assertArrayEquals(new int[] {7, 8}, Tensor.of(new int[] {7, 8}).to(dev).to(Device.CPU).toIntArray());
        assertArrayEquals(new boolean[] {true, false, true},
                Tensor.of(new boolean[] {true, false, true}).to(dev).to(Device.CPU).toBooleanArray());
        Tensor t = Tensor.randn(new Generator(1), 3, 4).to(dev);
        assertTrue(t.toString().contains("device=cuda:0"), t.toString());
    }

    /** One MLP forward and backward on both devices in float64: same loss and gradients to rounding. */
    @Test
    void mlpGradientsMatchTheCpu() {
        Generator g = new Generator(7);
        Tensor x = Tensor.randn(g, 32, 20).to(DType.FLOAT64), w1 = Tensor.randn(g, 20, 16).to(DType.FLOAT64).mul(0.3),
                w2 = Tensor.randn(g, 16, 5).to(DType.FLOAT64).mul(0.3);
        Tensor labels = Tensor.of(new long[32]).add(3).to(DType.INT64);
        double[][] cpu = step(x, w1, w2, labels), gpu = step(x.to(dev), w1.to(dev), w2.to(dev), labels.to(dev));
        for (int i = 0; i < cpu.length; i++) assertArrayEquals(cpu[i], gpu[i], 1e-12, "result " + i);
    }

    private static double[][] step(Tensor x, Tensor w1, Tensor w2, Tensor labels) {
        Tensor a = w1.detach().requiresGrad(true), b = w2.detach().requiresGrad(true);
        Tensor logits = x.matmul(a).relu().matmul(b);
        Tensor loss = Losses.sparseCategoricalCrossentropy(labels, logits, true).mean();
        loss.backward();
        return new double[][] {{loss.item()}, a.grad().toDoubleArray(), b.grad().toDoubleArray(),
                logits.softmax(-1).toDoubleArray()};
    }

    @Test
    void convolutionPoolingAndDropoutRunOnTheDevice() {
        Generator g = new Generator(3);
        Tensor img = Tensor.randn(g, 2, 12, 12, 3).to(DType.FLOAT64), k = Tensor.randn(g, 3, 3, 3, 4).to(DType.FLOAT64);
        Tensor c = NN.maxPool2d(NN.conv2d(img, k, new int[] {1, 1}, "same"), new int[] {2, 2}, new int[] {2, 2}, "valid");
        Tensor d = NN.maxPool2d(NN.conv2d(img.to(dev), k.to(dev), new int[] {1, 1}, "same"), new int[] {2, 2}, new int[] {2, 2}, "valid");
        assertEquals(dev, d.device());
        assertArrayEquals(c.toDoubleArray(), d.toDoubleArray(), 1e-12);
        Tensor ones = Tensor.ones(10_000).to(dev);
        double kept = NN.dropout(ones, 0.25, new Generator(9)).gt(0).to(DType.FLOAT32).mean().item();
        assertEquals(0.75, kept, 0.02, "dropout keeps about 75% on the device");
        assertArrayEquals(NN.dropout(Tensor.ones(100), 0.5, new Generator(5)).toDoubleArray(),
                NN.dropout(Tensor.ones(100).to(dev), 0.5, new Generator(5)).toDoubleArray(), 0.0,
                "the counter-based generator gives the same mask on both devices");
    }
}
