// Training callbacks: hooks at the start and end of training, epochs and batches.
package dev.vela.nn;

import java.util.Map;

/** Override the hooks you need; {@link #model} is set before training starts. */
public abstract class Callback {
    protected Model model;

    void setModel(Model m) { model = m; }

    public void onTrainBegin(Map<String, Double> logs) {}

    public void onTrainEnd(Map<String, Double> logs) {}

    public void onEpochBegin(int epoch, Map<String, Double> logs) {}

    /** {@code logs} holds the epoch's averaged loss and metrics, and val_ ones when validating. */
    public void onEpochEnd(int epoch, Map<String, Double> logs) {}

    public void onBatchBegin(int batch, Map<String, Double> logs) {}

    public void onBatchEnd(int batch, Map<String, Double> logs) {}
}
