/*
 * Checks that the CUDA placeholder explains itself.
 */
package dev.vela.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CudaSupportTest {

    @Test
    void unavailableReasonExplainsWhyCudaCannotBeUsed() {
        String reason = CudaSupport.unavailableReason();
        assertFalse(reason.isBlank(), "the reason must not be empty");
        assertTrue(reason.contains("CUDA"), () -> "the reason should mention CUDA: " + reason);
    }
}
