// ServiceLoader entry point: opens the CUDA backend of a device, or says why it cannot.
package dev.vela.cuda;

import dev.vela.spi.Backend;
import dev.vela.spi.BackendProvider;

import java.util.List;

/**
 * Registered in {@code META-INF/services/dev.vela.spi.BackendProvider}; {@code Device.cuda(n).backend()} and
 * {@code Device.list()} reach the CUDA backend through it. When CUDA cannot be used, {@link #open} throws an
 * {@link IllegalStateException} whose message says why (no driver, no CUDA 13 libraries, no device, an
 * unsupported architecture) and the CPU is never used in its place.
 */
public final class CudaProvider implements BackendProvider {
    @Override
    public String type() { return "cuda"; }

    @Override
    public Backend open(int index) {
        String why = CudaLibs.unavailableReason();
        if (why != null) throw new IllegalStateException("cuda:" + index + " cannot be used: " + why);
        int count = CudaLibs.deviceCount();
        if (index >= count) {
            throw new IllegalArgumentException("cuda:" + index + " does not exist: this machine has " + count
                    + " CUDA device" + (count == 1 ? "" : "s") + " (cuda:0" + (count > 1 ? " to cuda:" + (count - 1) : "") + ")");
        }
        return new CudaBackend(CudaContext.get(index));
    }

    @Override
    public List<String> describeDevices() { return CudaLibs.describeDevices(); }
}
