/*
 * CUDA diagnosis: on a machine without CUDA the reason names what is missing; on one with CUDA the devices
 * are described. Both branches assert something real; the pure helpers are tested everywhere.
 */
package dev.vela.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.List;

import org.junit.jupiter.api.Test;

class CudaLibsTest {
    private static final String DEVICE_LINE = "cuda:\\d+: .+, \\d+\\.\\d GiB, compute capability \\d+\\.\\d+, \\d+ SMs, "
            + "driver \\d+\\.\\d+, runtime \\d+\\.\\d+( \\(unusable: .+\\))?";

    /** Whether the test itself can dlopen a library by name (independently of CudaLibs). */
    private static boolean loadable(String lib) {
        try {
            SymbolLookup.libraryLookup(lib, Arena.ofAuto());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void eitherCudaWorksAndDevicesAreDescribedOrTheReasonSaysWhatIsMissing() {
        String reason = CudaLibs.unavailableReason();
        assertEquals(reason, CudaLibs.unavailableReason(), "the result is cached");
        List<String> lines = CudaLibs.describeDevices();
        if (reason == null) {
            // a machine with a usable GPU
            assertFalse(lines.isEmpty());
            assertTrue(CudaLibs.deviceCount() >= 1);
            assertEquals(CudaLibs.deviceCount(), lines.size());
            for (String line : lines) assertTrue(line.matches(DEVICE_LINE), line);
            assertTrue(lines.stream().anyMatch(l -> !l.contains("unusable")), "some device is usable: " + lines);
            assertDoesNotThrow(CudaLibs::requireAvailable);
            assertEquals(lines.get(0).contains("unusable"), CudaLibs.deviceUnusableReason(0) != null, lines.get(0));
            String missing = CudaLibs.deviceUnusableReason(CudaLibs.deviceCount());
            assertTrue(missing != null && missing.contains("does not exist"), missing);
            assertTrue(CudaLibs.nativesLoaded());
        } else {
            assertFalse(reason.isBlank());
            assertEquals(List.of("cuda: unavailable: " + reason), lines);
            assertEquals(0, CudaLibs.deviceCount());
            IllegalStateException e = assertThrows(IllegalStateException.class, CudaLibs::requireAvailable);
            assertTrue(e.getMessage().contains(reason), e.getMessage());
            // nothing device-side can be opened, and it says why
            IllegalStateException ctx = assertThrows(IllegalStateException.class, () -> CudaContext.get(0));
            assertTrue(ctx.getMessage().contains(reason), ctx.getMessage());
            assertThrows(IllegalStateException.class, Nvrtc::version);
            if (!loadable(CudaLibs.DRIVER_LIB)) {
                assertTrue(reason.startsWith("no NVIDIA driver: libcuda.so.1 not found"), reason);
                assertFalse(CudaLibs.nativesLoaded(), "no JNI library was loaded without a driver");
            }
            boolean nvrtcAnywhere = CudaLibs.canOpen(CudaLibs.NVRTC_LIB, CudaLibs.cudaLibraryDirs())
                    || CudaLibsTest.class.getResource("/org/bytedeco/cuda/linux-x86_64/libnvrtc.so.13") != null;
            if (!nvrtcAnywhere) {
                assertTrue(reason.contains("libnvrtc.so.13") && reason.contains(CudaLibs.INSTALL_HINT), reason);
            }
        }
    }

    @Test
    void cudaSupportDelegatesToCudaLibs() {
        assertEquals(CudaLibs.unavailableReason(), CudaSupport.unavailableReason());
        assertEquals(CudaLibs.unavailableReason() == null, CudaSupport.isAvailable());
    }

    @Test
    void onlyLinuxX86_64IsSupported() {
        assertNull(CudaLibs.platformReason("Linux", "amd64"));
        assertNull(CudaLibs.platformReason("Linux", "x86_64"));
        String mac = CudaLibs.platformReason("Mac OS X", "aarch64");
        assertTrue(mac.contains("linux-x86_64") && mac.contains("Mac OS X") && mac.contains("aarch64"), mac);
        assertTrue(CudaLibs.platformReason("Windows 11", "amd64").contains("Windows 11"));
        assertTrue(CudaLibs.platformReason("Linux", "aarch64").contains("aarch64"));
        assertTrue(CudaLibs.platformReason(null, null).contains("linux-x86_64"));
    }

    @Test
    void computeCapabilityBelow75IsUnsupported() {
        assertNull(CudaLibs.capabilityReason(7, 5));
        assertNull(CudaLibs.capabilityReason(8, 0));
        assertNull(CudaLibs.capabilityReason(9, 0));
        assertNull(CudaLibs.capabilityReason(12, 1));
        String volta = CudaLibs.capabilityReason(7, 0);
        assertTrue(volta.contains("7.0") && volta.contains("7.5") && volta.contains("CUDA 13"), volta);
        assertTrue(CudaLibs.capabilityReason(6, 1).contains("6.1"));
    }

    @Test
    void versionsAndDeviceLinesAreFormatted() {
        assertEquals("13.0", CudaLibs.formatVersion(13000));
        assertEquals("13.1", CudaLibs.formatVersion(13010));
        assertEquals("12.8", CudaLibs.formatVersion(12080));
        String line = CudaLibs.describeLine(0, "NVIDIA H100 80GB HBM3", 85_000_000_000L, 9, 0, 132, 13000, 13000);
        assertEquals("cuda:0: NVIDIA H100 80GB HBM3, 79.2 GiB, compute capability 9.0, 132 SMs, driver 13.0, "
                + "runtime 13.0", line);
        assertTrue(line.matches(DEVICE_LINE));
    }

    @Test
    void libraryProbeOpensWhatExistsAndNotWhatDoesNot() {
        assertTrue(CudaLibs.canOpen("libc.so.6", List.of()));
        assertFalse(CudaLibs.canOpen("libvela_no_such_library.so.42", CudaLibs.cudaLibraryDirs()));
        assertTrue(CudaLibs.cudaLibraryDirs().stream().anyMatch(p -> p.toString().equals("/usr/local/cuda/lib64")));
    }
}
