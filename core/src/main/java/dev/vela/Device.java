// Devices are values: the CPU, or a CUDA device by index. Backends for non-CPU devices come from ServiceLoader.
package dev.vela;

import dev.vela.cpu.CpuBackend;
import dev.vela.spi.Backend;
import dev.vela.spi.BackendProvider;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a tensor lives and its kernels run.
 * <pre>{@code
 * jshell> Device.CPU
 * $1 ==> cpu
 * jshell> Device.list()
 * $2 ==> [cpu: 2 cores, 23.9 GiB max heap ...]
 * }</pre>
 */
public final class Device {
    /** The host CPU (Vector API kernels). */
    public static final Device CPU = new Device("cpu", 0);

    private static final Map<Device, Backend> BACKENDS = new ConcurrentHashMap<>();
    private static volatile Device defaultDevice;

    private final String type;
    private final int index;

    private Device(String type, int index) {
        this.type = type;
        this.index = index;
    }

    /** CUDA device number {@code index}. Its backend loads on first use; if it cannot, the error says why. */
    public static Device cuda(int index) {
        if (index < 0) throw new IllegalArgumentException("Device.cuda: negative device index " + index);
        return new Device("cuda", index);
    }

    /** Parses "cpu", "cuda", "cuda:1". */
    public static Device parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) return CPU;
        if (s.equals("cuda") || s.equals("gpu")) return cuda(0);
        if (s.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(s.substring(5)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Device.parse: bad device index in '" + spec + "'");
            }
        }
        throw new IllegalArgumentException("Device.parse: unknown device '" + spec + "': expected cpu, cuda or cuda:N");
    }

    public String type() { return type; }

    public int index() { return index; }

    public boolean isCpu() { return type.equals("cpu"); }

    /** The backend that runs kernels for this device; throws with the reason when it cannot be loaded. */
    public Backend backend() {
        if (isCpu()) return CpuBackend.INSTANCE;
        return BACKENDS.computeIfAbsent(this, d -> {
            for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
                if (p.type().equals(d.type)) return p.open(d.index);
            }
            throw new IllegalStateException("device " + d + ": no backend for '" + d.type
                    + "' is on the class path (add the vela-cuda module); the CPU is not used in its place");
        });
    }

    /**
     * Every usable device: the CPU, then each device of each backend on the class path, with memory and
     * capability; backends that cannot load appear as a line saying why.
     */
    public static List<String> list() {
        List<String> out = new ArrayList<>();
        Runtime rt = Runtime.getRuntime();
        out.add(String.format(Locale.ROOT, "cpu: %d cores, %.1f GiB max heap, vector species %s",
                rt.availableProcessors(), rt.maxMemory() / (1024.0 * 1024 * 1024),
                jdk.incubator.vector.FloatVector.SPECIES_PREFERRED));
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            out.addAll(p.describeDevices());
        }
        return out;
    }

    /**
     * The device new tensors go to. In order: the {@code vela.device} system property, the
     * {@code VELA_DEVICE} environment variable, {@code ~/.vela/vela.json}'s "device", else the CPU.
     */
    public static Device defaultDevice() {
        Device d = defaultDevice;
        if (d == null) {
            d = resolveDefault();
            defaultDevice = d;
        }
        return d;
    }

    /** Overrides the default device for this JVM. */
    public static void setDefault(Device device) { defaultDevice = Objects.requireNonNull(device); }

    private static Device resolveDefault() {
        String p = System.getProperty("vela.device");
        if (p != null && !p.isBlank()) return parse(p);
        String e = System.getenv("VELA_DEVICE");
        if (e != null && !e.isBlank()) return parse(e);
        String cfg = Config.string("device");
        if (cfg != null) return parse(cfg);
        return CPU;
    }

    @Override
    public boolean equals(Object o) { return o instanceof Device d && d.type.equals(type) && d.index == index; }

    @Override
    public int hashCode() { return type.hashCode() * 31 + index; }

    @Override
    public String toString() { return isCpu() ? "cpu" : type + ":" + index; }

    /** Reads the flat JSON settings file {@code ~/.vela/vela.json} (keys device, floatx, epsilon). */
    static final class Config {
        private static final Pattern ENTRY = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\"([^\"]*)\"|[-+0-9.eE]+)");
        private static volatile Map<String, String> values;

        static String string(String key) { return load().get(key); }

        private static Map<String, String> load() {
            Map<String, String> v = values;
            if (v != null) return v;
            v = new ConcurrentHashMap<>();
            Path f = Path.of(System.getProperty("user.home"), ".vela", "vela.json");
            if (Files.isReadable(f)) {
                try {
                    Matcher m = ENTRY.matcher(Files.readString(f));
                    while (m.find()) v.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2));
                } catch (java.io.IOException ex) {
                    throw new IllegalStateException("cannot read " + f + ": " + ex.getMessage(), ex);
                }
            }
            values = v;
            return v;
        }
    }
}
