// OracleConformanceTest again with cuda:0 as the default device: the PyTorch oracle cases (forward and gradients, float64, float32 and strided views), on the GPU.
package dev.vela;

import dev.vela.cuda.CudaTesting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every test of {@link OracleConformanceTest} with cuda:0 as the default device, so each tensor the tests build (inputs,
 * constants, gradients) lives on the GPU and every kernel runs there. Without a usable CUDA device the whole
 * class is reported as skipped, with the reason.
 */
class CudaOracleConformanceTest extends OracleConformanceTest {
    @BeforeEach
    void onCuda() { CudaTesting.useCudaAsDefault(); }

    @AfterAll
    static void backToCpu() { CudaTesting.restoreDefault(); }

    /** The inherited tests build their tensors with the public factories: those must land on the GPU. */
    @Test
    void tensorsOfTheseTestsLiveOnTheGpu() {
        assertEquals(Device.cuda(0), Tensor.of(new double[] {1, 2}).device());
        assertEquals(Device.cuda(0), Tensor.zeros(3).device());
        assertEquals(Device.cuda(0), Tensor.of(new long[] {1}).device());
    }
}
