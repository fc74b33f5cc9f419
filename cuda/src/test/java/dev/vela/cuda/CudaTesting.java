// Test support: skip (with the reason) when no CUDA device can be used, and run a test class on cuda:0.
package dev.vela.cuda;

import dev.vela.Device;
import org.junit.jupiter.api.Assumptions;

/** Shared by the CUDA test classes. */
public final class CudaTesting {
    private CudaTesting() {}

    /** Skips the calling test (call it from {@code @BeforeEach}, so each test is reported as skipped with the reason) unless CUDA can be used. */
    public static void requireCuda() {
        String why = CudaLibs.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "CUDA variant skipped: no usable CUDA device: " + why);
    }

    /** Skips unless CUDA works, then makes cuda:0 the default device, so every tensor the test creates lives there. */
    public static void useCudaAsDefault() {
        requireCuda();
        Device.setDefault(Device.cuda(0));
    }

    /** Back to the CPU as the default device. */
    public static void restoreDefault() { Device.setDefault(Device.CPU); }
}
