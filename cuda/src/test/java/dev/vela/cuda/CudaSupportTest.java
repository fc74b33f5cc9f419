/*
 * CudaSupport gives the same verdict as CudaLibs: a reason for a person, or null where CUDA works.
 */
package dev.vela.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CudaSupportTest {

    @Test
    void unavailableReasonExplainsWhyCudaCannotBeUsedOrIsNullWhenItCan() {
        String reason = CudaSupport.unavailableReason();
        assertEquals(CudaLibs.unavailableReason(), reason);
        if (reason == null) {
            assertTrue(CudaSupport.isAvailable());
            assertTrue(CudaLibs.describeDevices().get(0).startsWith("cuda:0: "), CudaLibs.describeDevices().get(0));
        } else {
            assertFalse(CudaSupport.isAvailable());
            assertFalse(reason.isBlank(), "the reason must not be empty");
            assertTrue(reason.contains("CUDA") || reason.contains("NVIDIA") || reason.contains("lib"),
                    () -> "the reason should say what is missing: " + reason);
        }
    }
}
