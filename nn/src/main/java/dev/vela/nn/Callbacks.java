// The standard callbacks: early stopping, checkpoints, CSV logging, learning-rate control, NaN guard, lambdas.
package dev.vela.nn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.IntToDoubleFunction;

/** Factories and classes for Keras's callbacks. */
public final class Callbacks {
    private Callbacks() {}

    static boolean improved(double current, double best, double minDelta, String mode, String monitor) {
        boolean max = mode.equals("max") || (mode.equals("auto") && (monitor.contains("acc")));
        return max ? current > best + minDelta : current < best - minDelta;
    }

    static double worst(String mode, String monitor) {
        boolean max = mode.equals("max") || (mode.equals("auto") && monitor.contains("acc"));
        return max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /** Stops training when {@code monitor} has not improved for {@code patience} epochs. */
    public static class EarlyStopping extends Callback {
        final String monitor, mode;
        final double minDelta;
        final int patience;
        final boolean restoreBest;
        double best;
        int wait;
        int stoppedEpoch = -1;
        List<List<dev.vela.Tensor>> bestWeights;

        public EarlyStopping(String monitor, double minDelta, int patience, String mode, boolean restoreBestWeights) {
            this.monitor = monitor;
            this.minDelta = Math.abs(minDelta);
            this.patience = patience;
            this.mode = mode;
            this.restoreBest = restoreBestWeights;
        }

        public EarlyStopping(String monitor, int patience) { this(monitor, 0, patience, "auto", false); }

        @Override
        public void onTrainBegin(Map<String, Double> logs) {
            best = worst(mode, monitor);
            wait = 0;
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            Double v = logs.get(monitor);
            if (v == null) throw new IllegalStateException("EarlyStopping: metric '" + monitor + "' is not in the logs " + logs.keySet());
            if (improved(v, best, minDelta, mode, monitor)) {
                best = v;
                wait = 0;
                if (restoreBest) bestWeights = model.layerWeights();
            } else if (++wait >= patience) {
                stoppedEpoch = epoch;
                model.stopTraining = true;
                if (restoreBest && bestWeights != null) model.setLayerWeights(bestWeights);
            }
        }

        public int stoppedEpoch() { return stoppedEpoch; }
    }

    /** Saves the model (or only its weights) after epochs, or only when {@code monitor} improved. */
    public static class ModelCheckpoint extends Callback {
        final String pathPattern, monitor, mode;
        final boolean saveBestOnly, weightsOnly;
        double best;

        public ModelCheckpoint(String path, String monitor, boolean saveBestOnly, boolean saveWeightsOnly) {
            this.pathPattern = path;
            this.monitor = monitor;
            this.saveBestOnly = saveBestOnly;
            this.weightsOnly = saveWeightsOnly;
            this.mode = "auto";
            this.best = worst(mode, monitor);
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            Path p = Path.of(pathPattern.replace("{epoch}", String.format("%02d", epoch + 1)));
            if (saveBestOnly) {
                Double v = logs.get(monitor);
                if (v == null) throw new IllegalStateException("ModelCheckpoint: metric '" + monitor + "' is not in the logs " + logs.keySet());
                if (!improved(v, best, 0, mode, monitor)) return;
                best = v;
            }
            if (weightsOnly) model.saveWeights(p);
            else model.save(p);
        }
    }

    /** Appends each epoch's logs as a CSV row (header on the first). */
    public static class CSVLogger extends Callback {
        final Path path;
        List<String> keys;

        public CSVLogger(Path path) { this.path = path; }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            try {
                if (keys == null) {
                    keys = new ArrayList<>(logs.keySet());
                    Files.writeString(path, "epoch," + String.join(",", keys) + "\n");
                }
                StringBuilder sb = new StringBuilder().append(epoch);
                for (String k : keys) sb.append(',').append(logs.getOrDefault(k, Double.NaN));
                Files.writeString(path, sb.append('\n').toString(), StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("CSVLogger: cannot write " + path, e);
            }
        }
    }

    /** Sets the learning rate at the start of each epoch from {@code schedule(epoch)}. */
    public static class LearningRateScheduler extends Callback {
        final IntToDoubleFunction schedule;

        public LearningRateScheduler(IntToDoubleFunction schedule) { this.schedule = schedule; }

        @Override
        public void onEpochBegin(int epoch, Map<String, Double> logs) { model.setLearningRate(schedule.applyAsDouble(epoch)); }

        /** Logs the epoch's rate as "lr", as Keras does. */
        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) { logs.put("lr", model.optimizer().learningRate()); }
    }

    /** Multiplies the learning rate by {@code factor} when {@code monitor} stalls for {@code patience} epochs. */
    public static class ReduceLROnPlateau extends Callback {
        final String monitor;
        final double factor, minLr;
        final int patience;
        double best;
        int wait;

        public ReduceLROnPlateau(String monitor, double factor, int patience, double minLr) {
            if (factor >= 1) throw new IllegalArgumentException("ReduceLROnPlateau: factor must be < 1, got " + factor);
            this.monitor = monitor;
            this.factor = factor;
            this.patience = patience;
            this.minLr = minLr;
        }

        @Override public void onTrainBegin(Map<String, Double> logs) { best = worst("auto", monitor); wait = 0; }

        /** Logs the rate this epoch used as "lr" (every epoch, as Keras does), then reduces it when the monitor stalled. */
        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            double base = model.optimizer().learningRate(); // the base rate: Keras 2's decay, if any, still applies on top
            logs.put("lr", base);
            Double v = logs.get(monitor);
            if (v == null) return;
            if (improved(v, best, 0, "auto", monitor)) {
                best = v;
                wait = 0;
            } else if (++wait >= patience) {
                double lr = Math.max(base * factor, minLr);
                model.setLearningRate(lr);
                wait = 0;
            }
        }
    }

    /** Stops training cleanly when the loss becomes NaN or infinite. */
    public static class TerminateOnNaN extends Callback {
        boolean terminated;

        @Override
        public void onBatchEnd(int batch, Map<String, Double> logs) {
            Double loss = logs.get("loss");
            if (loss != null && (loss.isNaN() || loss.isInfinite())) {
                System.out.println("Batch " + batch + ": Invalid loss, terminating training");
                terminated = true;
                model.stopTraining = true;
            }
        }

        public boolean terminated() { return terminated; }
    }

    /** Callbacks from lambdas. */
    public static class LambdaCallback extends Callback {
        final BiConsumer<Integer, Map<String, Double>> epochEnd, batchEnd;

        public LambdaCallback(BiConsumer<Integer, Map<String, Double>> onEpochEnd, BiConsumer<Integer, Map<String, Double>> onBatchEnd) {
            this.epochEnd = onEpochEnd;
            this.batchEnd = onBatchEnd;
        }

        @Override public void onEpochEnd(int epoch, Map<String, Double> logs) { if (epochEnd != null) epochEnd.accept(epoch, logs); }

        @Override public void onBatchEnd(int batch, Map<String, Double> logs) { if (batchEnd != null) batchEnd.accept(batch, logs); }
    }
}
