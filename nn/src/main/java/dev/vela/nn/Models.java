// Loading saved models (Keras's load_model).
package dev.vela.nn;

import java.nio.file.Path;

/** {@code Model m = Models.load(Path.of("model.safetensors"));} restores architecture, weights and optimizer state. */
public final class Models {
    private Models() {}

    public static Model load(Path path) { return ModelIO.load(path); }
}
