/*
 * Finds the tutorials' data files (Otto CSV, MNIST) in the places the design names, and says where it looked
 * when they are missing, so a sample without its data explains itself instead of failing.
 */
package dev.vela.samples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Locates a data folder. Looked in, in order: the {@code --data DIR} option, the {@code vela.data} system
 * property, the {@code VELA_DATA} environment variable, the {@code vela.shared} system property's {@code data}
 * folder (the build sets it for tests), {@code ../shared/data} seen from the working directory and from its
 * parents, {@code ../shared/data} beside the checkout these classes were built in, then
 * {@code ~/.vela/datasets}.
 *
 * <pre>{@code
 * DataFiles.Found otto = DataFiles.find(cli.option("--data"), "otto", dir -> Files.isRegularFile(dir.resolve("train.csv.gz")));
 * }</pre>
 */
final class DataFiles {

    private DataFiles() {
    }

    /** The folder found (or empty), and every place tried, for the message when nothing was found. */
    record Found(Optional<Path> folder, List<String> tried) {
        String triedText() {
            return "  " + String.join("\n  ", tried);
        }
    }

    /**
     * The first candidate {@code base/sub} (or {@code base} itself) for which {@code ok} holds.
     *
     * @param explicit the {@code --data} option, or null
     * @param sub      the data set's folder under a data root, e.g. "otto" or "mnist"
     */
    static Found find(String explicit, String sub, Predicate<Path> ok) {
        List<String> tried = new ArrayList<>();
        java.util.Set<Path> seen = new java.util.HashSet<>();
        for (Map.Entry<String, Path> c : roots(explicit).entrySet()) {
            for (Path dir : List.of(c.getValue().resolve(sub), c.getValue())) {
                Path abs = dir.toAbsolutePath().normalize();
                if (!seen.add(abs)) continue;
                if (Files.isDirectory(abs) && ok.test(abs)) return new Found(Optional.of(abs), tried);
                tried.add(abs + " (" + c.getKey() + ")");
            }
        }
        return new Found(Optional.empty(), tried);
    }

    private static Map<String, Path> roots(String explicit) {
        Map<String, Path> c = new LinkedHashMap<>();
        if (explicit != null && !explicit.isBlank()) c.put("--data", Path.of(explicit));
        String prop = System.getProperty("vela.data");
        if (prop != null && !prop.isBlank()) c.putIfAbsent("system property vela.data", Path.of(prop));
        String env = System.getenv("VELA_DATA");
        if (env != null && !env.isBlank()) c.putIfAbsent("environment variable VELA_DATA", Path.of(env));
        String shared = System.getProperty("vela.shared");
        if (shared != null && !shared.isBlank()) c.putIfAbsent("system property vela.shared", Path.of(shared, "data"));
        Path dir = Path.of("").toAbsolutePath();
        for (int up = 0; up < 3 && dir != null; up++, dir = dir.getParent()) {
            Path parent = dir.getParent();
            if (parent == null) break;
            c.putIfAbsent(up == 0 ? "../shared/data" : "../shared/data seen from " + dir, parent.resolve("shared").resolve("data"));
        }
        Path root = projectRoot();
        if (root != null && root.getParent() != null) {
            c.putIfAbsent("../shared/data beside the project " + root, root.getParent().resolve("shared").resolve("data"));
        }
        c.putIfAbsent("default cache ~/.vela/datasets", Path.of(System.getProperty("user.home"), ".vela", "datasets"));
        return c;
    }

    /**
     * The checkout these classes were built in (the folder above {@code samples/target/classes} that holds the
     * parent pom), so the data beside the project is found from any working directory; null when run from a jar.
     */
    static Path projectRoot() {
        try {
            var src = DataFiles.class.getProtectionDomain().getCodeSource();
            if (src == null) return null;
            Path p = Path.of(src.getLocation().toURI()).toAbsolutePath();
            for (int up = 0; up < 5 && p != null; up++, p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("samples"))) return p;
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
