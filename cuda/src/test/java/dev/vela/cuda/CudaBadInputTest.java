// Bad input on the GPU: out of memory, bad indices checked on the device, closed tensors, unlaunchable shapes.
package dev.vela.cuda;

import dev.vela.DType;
import dev.vela.Device;
import dev.vela.Tensor;
import dev.vela.spi.Backend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each bad input gets an exception that names the op and the numbers, and the device stays usable after it. */
class CudaBadInputTest {
    static Device dev;

    @BeforeEach
    void cuda() {
        CudaTesting.requireCuda();
        dev = Device.cuda(0);
    }

    @Test
    void outOfMemoryNamesRequestedAndAvailableBytesAndLeavesTheDeviceUsable() {
        Backend be = dev.backend();
        long before = Cuda.memoryStats(dev).inUse();
        CudaOutOfMemoryError e = assertThrows(CudaOutOfMemoryError.class, () -> be.allocate(DType.FLOAT32, 1L << 40));
        assertTrue(e.getMessage().contains(Long.toString(4L << 40)), "requested bytes in: " + e.getMessage());
        assertTrue(e.getMessage().contains("available"), e.getMessage());
        assertEquals(before, Cuda.memoryStats(dev).inUse(), "a failed allocation holds nothing");
        Tensor t = Tensor.ones(1000).to(dev);
        assertEquals(1000.0, t.sum().item(), 0.0, "the device still works");
    }

    @Test
    void gatherIndexOutOfRangeIsCheckedOnTheDevice() {
        Tensor x = Tensor.arange(10).to(dev);
        Tensor bad = Tensor.of(new long[] {1, 12, 3}).to(dev);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> x.gather(bad, 0));
        assertTrue(e.getMessage().contains("gather") && e.getMessage().contains("12") && e.getMessage().contains("10"), e.getMessage());
        Tensor good = Tensor.of(new long[] {1, -1, 3}).to(dev);
        assertArrayEquals(new double[] {1, 9, 3}, x.gather(good, 0).toDoubleArray(), 0.0, "the next gather is fine");
    }

    @Test
    void aClosedTensorCannotBeUsed() {
        Tensor t = Tensor.ones(4, 4).to(dev);
        Tensor view = t.transpose(0, 1);
        int live = Cuda.liveBuffers(dev);
        t.close();
        assertEquals(live - 1, Cuda.liveBuffers(dev), "close() released the buffer at once");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> view.sum().item());
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        t.close(); // closing twice is harmless
    }

    @Test
    void aViewTheKernelsCannotIndexIsRefusedBeforeLaunch() {
        // rank 9 with strides that do not merge: beyond the kernels' Layout limit of 8 dimensions
        Tensor big = Tensor.ones(2, 2, 2, 2, 2, 2, 2, 2, 2).to(dev);
        Tensor odd = big.permute(8, 7, 6, 5, 4, 3, 2, 1, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> odd.add(1).toDoubleArray());
        assertTrue(e.getMessage().contains("8"), e.getMessage());
    }

    @Test
    void launchShapesOutsideTheHardwareLimitsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Kernel.validateLaunch("test-op", "unary_contig_f32", 1, 1, 1, 2048, 1, 1));
        assertTrue(e.getMessage().contains("test-op") && e.getMessage().contains("unary_contig_f32"), e.getMessage());
    }

    @Test
    void mixingDevicesIsAnError() {
        Tensor a = Tensor.ones(3).to(dev), b = Tensor.ones(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("different devices"), e.getMessage());
    }
}
