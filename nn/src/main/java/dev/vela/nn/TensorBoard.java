// The TensorBoard callback: scalars per epoch and per batch, the model graph, and weight histograms.
package dev.vela.nn;

import dev.vela.Tensor;
import dev.vela.nn.io.EventWriter;
import dev.vela.nn.io.GraphNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes event files TensorBoard reads: {@code logDir/train} gets epoch scalars ({@code epoch_loss},
 * {@code epoch_<metric>}), batch scalars ({@code batch_loss} ...) when {@code batchScalars}, weight histograms
 * every {@code histogramFreq} epochs, and the layer graph; {@code logDir/validation} gets the val_ scalars.
 * <pre>{@code
 * model.fit(x, y, new FitOptions().callbacks(new TensorBoard(Path.of("logs"))));
 * // then: tensorboard --logdir logs
 * }</pre>
 */
public class TensorBoard extends Callback {
    final Path logDir;
    final int histogramFreq;
    final boolean batchScalars, writeGraph;
    EventWriter train, validation;
    long batchStep;

    public TensorBoard(Path logDir) { this(logDir, 1, true, true); }

    public TensorBoard(Path logDir, int histogramFreq, boolean batchScalars, boolean writeGraph) {
        this.logDir = logDir;
        this.histogramFreq = histogramFreq;
        this.batchScalars = batchScalars;
        this.writeGraph = writeGraph;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        try {
            train = new EventWriter(logDir.resolve("train"));
            validation = new EventWriter(logDir.resolve("validation"));
        } catch (IOException e) {
            throw new UncheckedIOException("TensorBoard: cannot create event files in " + logDir, e);
        }
        if (writeGraph) train.graph(graphOf(model));
        train.flush();
    }

    /** The layer graph as TensorBoard nodes: one per model input and per layer application. */
    static List<GraphNode> graphOf(Model m) {
        List<GraphNode> nodes = new ArrayList<>();
        Map<Tensor, String> names = new IdentityHashMap<>();
        for (int i = 0; i < m.inputs.size(); i++) {
            String n = "input_" + (i + 1);
            names.put(m.inputs.get(i), n);
            nodes.add(new GraphNode(n, "Placeholder", List.of()));
        }
        for (Model.Node n : m.nodes) {
            String name = n.layer().name();
            List<String> ins = new ArrayList<>();
            for (Tensor t : n.inputs()) ins.add(names.get(t));
            names.put(n.output(), name);
            nodes.add(new GraphNode(name, n.layer().className(), ins));
        }
        return nodes;
    }

    @Override
    public void onBatchEnd(int batch, Map<String, Double> logs) {
        if (!batchScalars) return;
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            if (e.getKey().equals("batch") || e.getKey().equals("size")) continue;
            train.scalar("batch_" + e.getKey(), e.getValue(), batchStep);
        }
        batchStep++;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            if (e.getKey().startsWith("val_")) validation.scalar("epoch_" + e.getKey().substring(4), e.getValue(), epoch);
            else train.scalar("epoch_" + e.getKey(), e.getValue(), epoch);
        }
        if (histogramFreq > 0 && epoch % histogramFreq == 0) {
            for (Layer l : model.layers()) {
                for (Tensor w : l.weights) train.histogram(w.name(), w.getValue(), epoch);
            }
        }
        train.flush();
        validation.flush();
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        train.close();
        validation.close();
    }
}
