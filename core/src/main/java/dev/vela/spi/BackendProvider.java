// ServiceLoader entry point for device backends other than the CPU (the CUDA module provides one).
package dev.vela.spi;

import java.util.List;

/** Found through {@link java.util.ServiceLoader}; opens the backend of one device of its type. */
public interface BackendProvider {
    /** The device type it serves, e.g. "cuda". */
    String type();

    /** Opens device {@code index}; throws an exception that says why when it cannot (no driver, no device...). */
    Backend open(int index);

    /** One line per device (name, memory, capability), or one line saying why none can be used. */
    List<String> describeDevices();
}
