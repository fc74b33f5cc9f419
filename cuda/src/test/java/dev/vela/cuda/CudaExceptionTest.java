/*
 * Error messages of failed CUDA and NVRTC calls name the call, the error and what Vela was doing.
 */
package dev.vela.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CudaExceptionTest {

    @Test
    void driverErrorsNameCallErrorAndContext() {
        CudaException e = new CudaException(2, "cuMemAlloc", "allocating 4096 bytes on cuda:0");
        assertEquals(2, e.code());
        assertEquals("cuMemAlloc", e.call());
        // the description comes from cuGetErrorString where a driver is loaded, else from Vela's table
        String m = e.getMessage();
        assertTrue(m.startsWith("cuMemAlloc failed with CUDA_ERROR_OUT_OF_MEMORY (2): out of memory"), m);
        assertTrue(m.endsWith("; allocating 4096 bytes on cuda:0"), m);
        if (!CudaLibs.nativesLoaded()) {
            assertEquals("cuMemAlloc failed with CUDA_ERROR_OUT_OF_MEMORY (2): out of memory; allocating 4096 bytes "
                    + "on cuda:0", m);
        }
    }

    @Test
    void nvrtcErrorsCarryTheLog() {
        CudaException e = new CudaException(6, "nvrtcCompileProgram",
                "compiling elementwise.cu for sm_90; log:\nelementwise.cu(12): error: identifier \"x\" is undefined");
        String m = e.getMessage();
        assertTrue(m.startsWith("nvrtcCompileProgram failed with NVRTC_ERROR_COMPILATION (6)"), m);
        assertTrue(m.contains("elementwise.cu(12): error"), m);
    }

    @Test
    void unknownCodesAndMissingContextStillReadWell() {
        assertEquals("cuFoo failed with CUDA error 12345", new CudaException(12345, "cuFoo", null).getMessage());
        String nv = new CudaException(99, "nvrtcFoo", " ").getMessage();
        assertTrue(nv.startsWith("nvrtcFoo failed with ") && nv.contains("99") && !nv.contains(";"), nv);
        if (!CudaLibs.nativesLoaded()) assertEquals("nvrtcFoo failed with NVRTC error 99", nv);
        CudaException plain = new CudaException("no kernel image");
        assertEquals(-1, plain.code());
        assertNull(plain.call());
    }

    @Test
    void checkThrowsOnlyOnFailure() {
        assertDoesNotThrow(() -> Cu.check(0, "cuInit", null));
        CudaException e = assertThrows(CudaException.class,
                () -> Cu.check(700, "cuStreamSynchronize", "last op launched: matmul (kernel gemm_f32)"));
        assertEquals(700, e.code());
        assertTrue(e.getMessage().contains("CUDA_ERROR_ILLEGAL_ADDRESS")
                && e.getMessage().contains("an illegal memory access was encountered")
                && e.getMessage().contains("matmul (kernel gemm_f32)"), e.getMessage());
        assertEquals("CUDA_ERROR_NOT_FOUND", Cu.errorName(Cu.ERROR_NOT_FOUND));
        assertEquals("NVRTC_ERROR_INVALID_OPTION", Cu.nvrtcErrorName(5));
    }

    @Test
    void kernelFaultsAreTheStickyErrors() {
        for (int code : new int[] {700, 710, 716, 719}) assertTrue(Cu.isStickyError(code), "" + code);
        for (int code : new int[] {0, 1, 2, 500, 209}) assertTrue(!Cu.isStickyError(code), "" + code);
    }
}
