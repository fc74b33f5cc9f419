// Records every epoch's logs; Model.fit returns it.
package dev.vela.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code history.history().get("loss")} lists the loss of each epoch. */
public class History extends Callback {
    final List<Integer> epochs = new ArrayList<>();
    final Map<String, List<Double>> history = new LinkedHashMap<>();

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        epochs.add(epoch);
        logs.forEach((k, v) -> history.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }

    public Map<String, List<Double>> history() { return history; }

    public List<Integer> epochs() { return epochs; }

    @Override
    public String toString() { return "History(" + history + ")"; }
}
