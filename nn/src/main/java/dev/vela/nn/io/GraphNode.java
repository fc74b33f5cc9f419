// One node of a model graph as TensorBoard's graph dashboard shows it (a GraphDef NodeDef).
package dev.vela.nn.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A node for {@link EventWriter#graph}: written as a TensorFlow {@code NodeDef} (name, op, inputs, device, and
 * string-valued attributes), read back by {@link EventReader}. Names may contain {@code /} to group nodes into
 * scopes (TensorBoard folds {@code dense_1/MatMul} under {@code dense_1}); an input names another node.
 * <pre>{@code
 * jshell> var x = new GraphNode("input_1", "Placeholder", List.of())
 * jshell> var d = new GraphNode("dense_1/MatMul", "MatMul", List.of("input_1", "dense_1/kernel"))
 * jshell> new GraphNode("dense_1", "Dense", List.of("input_1"), "", Map.of("units", "16"))
 * }</pre>
 *
 * @param name   unique node name
 * @param op     operation type shown in the node's box (e.g. {@code MatMul}, {@code Dense})
 * @param inputs names of the nodes feeding this one, in order
 * @param device device string, {@code ""} when unassigned (e.g. {@code "/device:CPU:0"})
 * @param attrs  attributes shown in the node's info card, as strings; kept in the given order
 */
public record GraphNode(String name, String op, List<String> inputs, String device, Map<String, String> attrs) {
    public GraphNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(op, "op");
        if (name.isEmpty()) throw new IllegalArgumentException("GraphNode: empty name");
        inputs = List.copyOf(inputs);
        device = device == null ? "" : device;
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : attrs.entrySet()) {
            copy.put(Objects.requireNonNull(e.getKey(), "attr key"), Objects.requireNonNull(e.getValue(), "attr value"));
        }
        attrs = Collections.unmodifiableMap(copy);
    }

    /** A node with no device and no attributes. */
    public GraphNode(String name, String op, List<String> inputs) {
        this(name, op, inputs, "", Map.of());
    }
}
