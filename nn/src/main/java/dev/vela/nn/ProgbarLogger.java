// Keras's console output: a live progress bar (verbose 1) or one line per epoch (verbose 2).
package dev.vela.nn;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** Prints progress to {@code System.out} the way Keras does. */
public class ProgbarLogger extends Callback {
    final int verbose;
    final PrintStream out;
    int epochs, samples, seen;
    long epochStart, lastPrint;
    final Map<String, Double> running = new java.util.LinkedHashMap<>();

    public ProgbarLogger(int verbose) { this(verbose, System.out); }

    public ProgbarLogger(int verbose, PrintStream out) {
        this.verbose = verbose;
        this.out = out;
    }

    void configure(int epochs, int samples) {
        this.epochs = epochs;
        this.samples = samples;
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        out.println("Epoch " + (epoch + 1) + "/" + epochs);
        epochStart = System.nanoTime();
        lastPrint = 0;
        seen = 0;
        running.clear();
    }

    @Override
    public void onBatchEnd(int batch, Map<String, Double> logs) {
        int size = logs.get("size").intValue();
        // running averages weighted by batch size, as Keras shows
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            if (e.getKey().equals("size") || e.getKey().equals("batch")) continue;
            running.merge(e.getKey(), e.getValue() * size, Double::sum);
        }
        seen += size;
        if (verbose != 1) return;
        long now = System.nanoTime();
        if (seen < samples && now - lastPrint < 50_000_000L) return; // at most 20 updates a second
        lastPrint = now;
        double elapsed = (now - epochStart) / 1e9;
        StringBuilder sb = new StringBuilder("\r").append(bar(seen, samples));
        if (seen < samples) {
            double eta = elapsed / seen * (samples - seen);
            sb.append(" - ETA: ").append(eta(eta));
        } else {
            sb.append(" - ").append(Math.round(elapsed)).append("s ").append(Math.round(elapsed * 1e6 / Math.max(1, seen))).append("us/step");
        }
        for (Map.Entry<String, Double> e : running.entrySet()) {
            sb.append(" - ").append(e.getKey()).append(": ").append(num(e.getValue() / seen));
        }
        out.print(sb);
        out.flush();
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        double elapsed = (System.nanoTime() - epochStart) / 1e9;
        if (verbose == 1) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, Double> e : logs.entrySet()) {
                if (e.getKey().startsWith("val_")) sb.append(" - ").append(e.getKey()).append(": ").append(num(e.getValue()));
            }
            out.println(sb);
        } else if (verbose == 2) {
            StringBuilder sb = new StringBuilder(" - ").append(Math.round(elapsed)).append("s");
            for (Map.Entry<String, Double> e : logs.entrySet()) sb.append(" - ").append(e.getKey()).append(": ").append(num(e.getValue()));
            out.println(sb);
        }
    }

    static String num(double v) { return String.format(Locale.ROOT, "%.4f", v); }

    static String bar(int done, int total) {
        int w = String.valueOf(total).length();
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) width * done / total);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%" + w + "d/%d [", done, total));
        for (int i = 0; i < width; i++) {
            if (i < filled - 1 || (i == filled - 1 && done >= total)) sb.append('=');
            else if (i == filled - 1 || (filled == 0 && i == 0 && done < total)) sb.append('>');
            else sb.append('.');
        }
        return sb.append(']').toString();
    }

    static String eta(double s) {
        long t = Math.round(s);
        if (t >= 3600) return String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, (t % 3600) / 60, t % 60);
        if (t >= 60) return String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
        return t + "s";
    }
}
