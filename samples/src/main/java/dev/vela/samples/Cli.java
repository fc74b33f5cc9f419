/*
 * The command line every sample shares: --out DIR, --device cpu|cuda, --seed N and the sample's own
 * size options (--epochs, --iterations ...), parsed strictly so a typo is an error, not a silent default.
 */
package dev.vela.samples;

import dev.vela.Device;
import dev.vela.K;
import dev.vela.Vela;
import dev.vela.nn.Layer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parsed options of one sample run.
 *
 * <pre>{@code
 * Cli cli = Cli.parse("Moons", args, Cli.options("--epochs", "training epochs (default 200)"));
 * Path out = cli.out();               // samples/out/Moons unless --out DIR
 * int epochs = cli.intOption("--epochs", 200);
 * }</pre>
 */
final class Cli {

    /** Options every sample accepts, with their help text. */
    static final Map<String, String> COMMON = new LinkedHashMap<>();

    static {
        COMMON.put("--out", "folder for the figures (default samples/out/<Sample>)");
        COMMON.put("--device", "cpu or cuda[:N] (default: vela.device, VELA_DEVICE, ~/.vela/vela.json, else cpu)");
        COMMON.put("--seed", "seed of the default random generator (default 0)");
    }

    private final String sample;
    private final Map<String, String> known;
    private final Map<String, String> values;
    private final Device device;

    private Cli(String sample, Map<String, String> known, Map<String, String> values, Device device) {
        this.sample = sample;
        this.known = known;
        this.values = values;
        this.device = device;
    }

    /**
     * Parses {@code --name value} pairs (or {@code --name=value}). Unknown options fail with the list of known
     * ones. Sets up the run: the device ({@code --device} makes it the default and loads its backend now, so a
     * missing CUDA backend fails at once with the core's reason), the random seed, and fresh graph and layer
     * names, so each run in the same JVM prints the same.
     */
    static Cli parse(String sample, String[] args, Map<String, String> own) {
        Map<String, String> known = new LinkedHashMap<>(COMMON);
        known.putAll(own);
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                throw new IllegalArgumentException(usage(sample, known));
            }
            String name = a, value;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(sample + ": option " + a + " needs a value\n" + usage(sample, known));
                }
                value = args[++i];
            }
            if (!known.containsKey(name)) {
                throw new IllegalArgumentException(sample + ": unknown option '" + name + "'\n" + usage(sample, known));
            }
            values.put(name, value);
        }
        Device device;
        try {
            device = values.containsKey("--device") ? Device.parse(values.get("--device")) : Device.defaultDevice();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(sample + ": " + e.getMessage() + "\n" + usage(sample, known), e);
        }
        try {
            device.backend(); // load it now: a device that cannot be used says why, and nothing runs elsewhere
        } catch (RuntimeException e) {
            throw new DeviceUnavailable(sample + ": " + e.getMessage(), e);
        }
        if (values.containsKey("--device")) Device.setDefault(device); // only once it is known to work
        K.clearSession();
        Layer.resetNames();
        long seed;
        try {
            seed = Long.parseLong(values.getOrDefault("--seed", "0").trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(sample + ": --seed expects a whole number, got '" + values.get("--seed") + "'\n"
                    + usage(sample, known));
        }
        Vela.seed(seed);
        return new Cli(sample, known, values, device);
    }

    /** Option names and their help texts, in the order given: {@code options("--epochs", "training epochs (200)")}. */
    static Map<String, String> options(String... namesAndHelp) {
        if (namesAndHelp.length % 2 != 0) throw new IllegalArgumentException("options: pairs of name and help text expected");
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndHelp.length; i += 2) m.put(namesAndHelp[i], namesAndHelp[i + 1]);
        return m;
    }

    static String usage(String sample, Map<String, String> known) {
        String command = sample.equals("Demo") ? "./vela demo" : "./vela sample " + sample;
        StringBuilder sb = new StringBuilder("usage: " + command + " [options]\n");
        for (Map.Entry<String, String> e : known.entrySet()) {
            sb.append(String.format(Locale.ROOT, "  %-16s %s%n", e.getKey() + " V", e.getValue()));
        }
        return sb.toString();
    }

    Device device() {
        return device;
    }

    /** The output folder, created: {@code --out DIR}, else {@code samples/out/<Sample>} under the working directory. */
    Path out() {
        String o = values.get("--out");
        Path dir = o != null ? Path.of(o) : Path.of("samples", "out", sample);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(sample + ": cannot create the output folder " + dir.toAbsolutePath(), e);
        }
        return dir.toAbsolutePath().normalize();
    }

    String option(String name) {
        return values.get(name);
    }

    /** A whole-number option of at least 1. */
    int intOption(String name, int dflt) {
        return intOption(name, dflt, 1);
    }

    /** A whole-number option of at least {@code min}. */
    int intOption(String name, int dflt, int min) {
        long v = longOption(name, dflt);
        if (v < min || v > Integer.MAX_VALUE) throw bad(name, "a whole number of at least " + min);
        return (int) v;
    }

    long longOption(String name, long dflt) {
        String v = values.get(name);
        if (v == null) return dflt;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw bad(name, "a whole number");
        }
    }

    double doubleOption(String name, double dflt) {
        String v = values.get(name);
        if (v == null) return dflt;
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw bad(name, "a number");
        }
    }

    private IllegalArgumentException bad(String name, String expected) {
        return new IllegalArgumentException(sample + ": " + name + " expects " + expected + ", got '" + values.get(name)
                + "'\n" + usage(sample, known));
    }

    /** The arguments to hand a sample run by another program (the Demo): only the common ones that were given. */
    static List<String> common(Cli cli) {
        List<String> r = new java.util.ArrayList<>();
        for (String k : List.of("--device", "--seed")) {
            if (cli.values.containsKey(k)) {
                r.add(k);
                r.add(cli.values.get(k));
            }
        }
        return r;
    }

    /** The banner every sample prints first, as Keras printed "Using TensorFlow backend.". */
    String banner() {
        return "Using the Vela backend on " + device + ".";
    }

    /** Runs {@code body} as a sample's main: bad options print the usage and exit with status 2. */
    static void main(String[] args, ThrowingRun body) throws Exception {
        System.setProperty("java.awt.headless", "true");
        try {
            body.run(args);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            if (m != null && m.startsWith("usage: ./vela ")) { // --help
                System.out.print(m);
                System.exit(0);
            }
            if (m != null && m.contains("\nusage: ./vela ")) { // a bad option
                System.err.print(m);
                System.exit(2);
            }
            throw e;
        } catch (DeviceUnavailable e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    /** The requested device cannot be used; the message is the core's reason, prefixed by the sample's name. */
    static final class DeviceUnavailable extends IllegalStateException {
        DeviceUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @FunctionalInterface
    interface ThrowingRun {
        void run(String[] args) throws Exception;
    }
}
