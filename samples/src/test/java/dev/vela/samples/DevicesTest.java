/*
 * Runs tutorial 4's device listing, and checks that asking for an unusable device fails with the core's reason.
 */
package dev.vela.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.Device;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class DevicesTest {

    @Test
    void listsTheCpuAndSaysWhetherCudaIsUsable() {
        var run = SampleTesting.capture(() -> Devices.run(new String[0]));
        Devices.Result r = run.result();
        assertTrue(r.devices().get(0).startsWith("cpu: " + Runtime.getRuntime().availableProcessors() + " cores"), r.devices().get(0));
        assertTrue(run.output().contains(r.devices().get(0)));
        String reason = cudaProblem();
        if (reason == null) {
            assertTrue(run.output().contains("cuda:0: usable"), run.output());
        } else {
            assertEquals(reason, r.cudaProblem());
            assertTrue(run.output().contains("cuda:0: not usable: " + reason), run.output());
        }
    }

    @Test
    void unusableCudaFailsWithTheCoresReasonAndLeavesTheDefault() {
        String reason = cudaProblem();
        Assumptions.assumeTrue(reason != null, "CUDA is usable here");
        Device before = Device.defaultDevice();
        var e = assertThrows(IllegalStateException.class, () -> XorKeras.run(new String[] {"--device", "cuda", "--epochs", "1"}));
        assertEquals("XorKeras: " + reason, e.getMessage());
        assertEquals(before, Device.defaultDevice(), "a device that failed does not become the default");
    }

    @Test
    void badOptionsAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> XorKeras.run(new String[] {"--epoch", "3"}));
        assertTrue(e.getMessage().contains("unknown option '--epoch'") && e.getMessage().contains("--epochs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Moons.run(new String[] {"--epochs", "many"}));
        assertTrue(e.getMessage().contains("--epochs expects a whole number"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Moons.run(new String[] {"--device", "tpu"}));
        assertTrue(e.getMessage().contains("unknown device 'tpu'"), e.getMessage());
    }

    private static String cudaProblem() {
        try {
            Device.cuda(0).backend();
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }
}
