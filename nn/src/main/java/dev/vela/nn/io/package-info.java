/**
 * File formats for Vela models and training logs: {@link dev.vela.nn.io.Safetensors} for weights (readable by
 * the Python {@code safetensors} library), {@link dev.vela.nn.io.EventWriter} and
 * {@link dev.vela.nn.io.EventReader} for TensorBoard event files, and {@link dev.vela.nn.io.MiniJson}, the small
 * strict JSON reader and writer they use. No dependencies beyond the JDK and Vela's core.
 * <pre>{@code
 * jshell> Safetensors.write(Path.of("w.safetensors"), Map.of("w", Tensor.ones(2, 2)))
 * jshell> try (var tb = new EventWriter(Path.of("logs"))) { tb.scalar("loss", 0.25, 1); }
 * }</pre>
 */
package dev.vela.nn.io;
