// Device discovery and the explanation given when CUDA cannot be used; runs on every machine.
package dev.vela.cuda;

import dev.vela.Device;
import dev.vela.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where CUDA works, {@code Device.list()} names each device with its memory and compute capability and
 * {@code Device.cuda(0)} opens; where it does not (this project's CI machine: no driver), asking for it throws
 * an exception that says why, and {@code Device.list()} says the same. Either way something real is checked.
 */
class CudaDeviceTest {

    @Test
    void deviceListDescribesCudaOrSaysWhyNot() {
        List<String> lines = Device.list();
        assertTrue(lines.get(0).startsWith("cpu:"), "the CPU comes first: " + lines);
        String why = CudaLibs.unavailableReason();
        if (why == null) {
            String l = lines.stream().filter(s -> s.startsWith("cuda:0:")).findFirst()
                    .orElseThrow(() -> new AssertionError("no cuda:0 line in " + lines));
            assertTrue(l.contains("compute capability") && l.contains("GiB"), l);
        } else {
            assertTrue(lines.stream().anyMatch(s -> s.startsWith("cuda: unavailable") && s.contains(why)),
                    "Device.list() should carry the reason '" + why + "': " + lines);
        }
    }

    @Test
    void askingForCudaEitherWorksOrExplains() {
        String why = CudaLibs.unavailableReason();
        if (why == null) {
            assertTrue(Device.cuda(0).backend() instanceof CudaBackend, "cuda:0 opens the CUDA backend");
            assertSame(Device.cuda(0).backend(), Device.cuda(0).backend(), "one backend per device");
            Tensor t = Tensor.of(new float[] {1, 2, 3}).to(Device.cuda(0));
            assertEquals(Device.cuda(0), t.device());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Device.cuda(99).backend());
            assertTrue(e.getMessage().contains("cuda:99") && e.getMessage().contains("does not exist"), e.getMessage());
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Device.cuda(0).backend());
            assertTrue(e.getMessage().contains("cuda:0 cannot be used") && e.getMessage().contains(why), e.getMessage());
            // no silent fallback: a tensor cannot be moved there either
            assertThrows(IllegalStateException.class, () -> Tensor.of(new float[] {1}).to(Device.cuda(0)));
        }
    }
}
