// Writes TensorBoard event files (scalars, histograms, the model graph) with no TensorFlow or protobuf library.
package dev.vela.nn.io;

import dev.vela.Tensor;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * A TensorBoard event file in a log directory, named {@code events.out.tfevents.<seconds>.<hostname>} (with a
 * {@code .N} suffix in the unlikely case that name is taken). Each record is a TFRecord frame (length, masked
 * CRC32C of the length, data, masked CRC32C of the data) around a hand-encoded {@code tensorflow.Event}
 * protobuf: {@code wall_time} (seconds since the epoch), {@code step}, and one of {@code file_version} (the
 * first record, {@code "brain.Event:2"}), {@code graph_def} or {@code summary}.
 *
 * <p>Histograms use equal-width buckets between the smallest and largest value, 30 by default as in
 * {@code tf.summary.histogram}: bucket {@code i} counts values in {@code [edge_i, edge_i+1)}, the last bucket
 * also holds the maximum, {@code bucket_limit} holds each bucket's right edge (TensorBoard takes the first left
 * edge from {@code min}), and all-equal values give one bucket. The {@code HistogramProto} also carries min,
 * max, count, sum and sum of squares.
 *
 * <p>Records are buffered: call {@link #flush()} to make them visible to a running TensorBoard (the
 * TensorBoard callback flushes at each epoch end) and {@link #close()} at the end. Methods are thread-safe.
 * Write errors after the file was opened surface as {@link UncheckedIOException}.
 * <pre>{@code
 * jshell> try (var w = new EventWriter(Path.of("logs/run1"))) {
 *    ...>     for (int step = 0; step < 3; step++) w.scalar("loss", 1.0 / (step + 1), step);
 *    ...>     w.histogram("dense_1/kernel", new double[] {-0.3, 0.1, 0.2, 0.7}, 2);
 *    ...>     w.graph(List.of(new GraphNode("x", "Placeholder", List.of()),
 *    ...>                     new GraphNode("y", "Relu", List.of("x"))));
 *    ...> }
 * // then: tensorboard --logdir logs
 * }</pre>
 */
public final class EventWriter implements Closeable, Flushable {
    /** The {@code file_version} of the first record, as TensorFlow writes it. */
    public static final String FILE_VERSION = "brain.Event:2";
    /** Default number of histogram buckets (as {@code tf.summary.histogram}). */
    public static final int DEFAULT_BUCKETS = 30;

    private final Path path;
    private final DoubleSupplier clock;
    private final OutputStream out;
    private boolean closed;

    /**
     * Creates {@code logDir} if needed and a new event file in it, and writes the {@code file_version} record.
     *
     * @throws IOException if the directory or file cannot be created
     */
    public EventWriter(Path logDir) throws IOException {
        this(logDir, () -> System.currentTimeMillis() / 1000.0, hostname());
    }

    /** For tests: a fixed clock (seconds since the epoch) and host name make the file's bytes predictable. */
    EventWriter(Path logDir, DoubleSupplier clock, String hostname) throws IOException {
        this.clock = Objects.requireNonNull(clock, "clock");
        Files.createDirectories(logDir);
        String base = "events.out.tfevents." + (long) Math.floor(clock.getAsDouble()) + "." + sanitize(hostname);
        Path p = logDir.resolve(base);
        OutputStream os = null;
        for (int n = 1; os == null; n++) {
            try {
                os = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                // two writers in the same second on the same host: keep both files
                p = logDir.resolve(base + "." + n);
            }
        }
        this.path = p;
        this.out = new BufferedOutputStream(os, 1 << 16);
        write(event(clock.getAsDouble(), 0).string(3, FILE_VERSION));
        flush();
    }

    /** The event file being written. */
    public Path path() { return path; }

    /** Logs {@code value} under {@code tag} at {@code step} (a {@code Summary.Value} with {@code simple_value}). */
    public synchronized void scalar(String tag, double value, long step) {
        Objects.requireNonNull(tag, "tag");
        Proto.Writer v = new Proto.Writer().string(1, tag).floatField(2, (float) value);
        write(event(clock.getAsDouble(), step).message(5, new Proto.Writer().message(1, v)));
    }

    /** A histogram of {@code values} in {@link #DEFAULT_BUCKETS} equal-width buckets. */
    public void histogram(String tag, double[] values, long step) {
        histogram(tag, values, step, DEFAULT_BUCKETS);
    }

    /** A histogram of a tensor's values (e.g. a layer's weights) in {@link #DEFAULT_BUCKETS} buckets. */
    public void histogram(String tag, Tensor values, long step) {
        histogram(tag, values.toDoubleArray(), step, DEFAULT_BUCKETS);
    }

    /**
     * A histogram of {@code values} in {@code buckets} equal-width buckets between their minimum and maximum.
     *
     * @throws IllegalArgumentException if {@code values} is empty or holds NaN or an infinity, or
     *         {@code buckets < 1}
     */
    public synchronized void histogram(String tag, double[] values, long step, int buckets) {
        Objects.requireNonNull(tag, "tag");
        Proto.Writer h = histogramProto(tag, values, buckets);
        Proto.Writer v = new Proto.Writer().string(1, tag).message(5, h);
        write(event(clock.getAsDouble(), step).message(5, new Proto.Writer().message(1, v)));
    }

    static Proto.Writer histogramProto(String tag, double[] values, int buckets) {
        if (buckets < 1) throw new IllegalArgumentException("histogram '" + tag + "': buckets must be >= 1, got " + buckets);
        if (values.length == 0) throw new IllegalArgumentException("histogram '" + tag + "': no values");
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0, sumSq = 0;
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException("histogram '" + tag + "': value " + i + " is " + x
                        + "; histograms need finite values");
            }
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
            sumSq += x * x;
        }
        double[] limits;
        double[] counts;
        if (min == max) {
            limits = new double[] {max};
            counts = new double[] {values.length};
        } else {
            limits = new double[buckets];
            counts = new double[buckets];
            double width = (max - min) / buckets;
            for (int i = 0; i < buckets - 1; i++) limits[i] = min + width * (i + 1);
            limits[buckets - 1] = max;
            for (double x : values) {
                int b = Math.min((int) ((x - min) / width), buckets - 1);
                // rounding can put a value next to an edge into the neighbouring bucket: the edges decide
                if (b > 0 && x < limits[b - 1]) b--;
                else if (b < buckets - 1 && x >= limits[b]) b++;
                counts[b]++;
            }
        }
        return new Proto.Writer()
                .doubleField(1, min).doubleField(2, max).doubleField(3, values.length)
                .doubleField(4, sum).doubleField(5, sumSq)
                .packedDoubles(6, limits).packedDoubles(7, counts);
    }

    /** Writes the model graph (an Event with {@code graph_def}, a GraphDef of one NodeDef per node) at step 0. */
    public synchronized void graph(List<GraphNode> nodes) {
        write(event(clock.getAsDouble(), 0).bytes(4, graphDef(nodes)));
    }

    static byte[] graphDef(List<GraphNode> nodes) {
        Proto.Writer g = new Proto.Writer();
        for (GraphNode n : nodes) {
            Proto.Writer nd = new Proto.Writer().string(1, n.name()).string(2, n.op());
            for (String in : n.inputs()) nd.string(3, in);
            if (!n.device().isEmpty()) nd.string(4, n.device());
            for (Map.Entry<String, String> a : n.attrs().entrySet()) {
                // map<string, AttrValue> entry: key = 1, value = 2; AttrValue.s = 2
                Proto.Writer attr = new Proto.Writer().string(2, a.getValue());
                nd.message(5, new Proto.Writer().string(1, a.getKey()).message(2, attr));
            }
            g.message(1, nd);
        }
        return g.toByteArray();
    }

    private static Proto.Writer event(double wallTime, long step) {
        Proto.Writer e = new Proto.Writer().doubleField(1, wallTime);
        if (step != 0) e.int64(2, step); // proto3 leaves default values out
        return e;
    }

    private void write(Proto.Writer event) {
        if (closed) throw new IllegalStateException("EventWriter " + path + ": closed");
        try {
            out.write(TfRecord.frame(event.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException("EventWriter " + path + ": " + e.getMessage(), e);
        }
    }

    /** Pushes buffered records to the file, where TensorBoard will see them. */
    @Override
    public synchronized void flush() {
        if (closed) return;
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("EventWriter " + path + ": " + e.getMessage(), e);
        }
    }

    /** Flushes and closes the file; later writes fail, a second close does nothing. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("EventWriter " + path + ": " + e.getMessage(), e);
        }
    }

    private static String hostname() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) return h;
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static String sanitize(String host) {
        String s = host == null ? "" : host.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() ? "localhost" : s;
    }
}
