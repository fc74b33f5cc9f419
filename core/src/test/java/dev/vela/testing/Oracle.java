// Finds ../shared and loads the PyTorch oracle cases (oracle-public.jsonl) as typed records for conformance tests.
package dev.vela.testing;

import dev.vela.DType;
import dev.vela.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Access to the shared reference data beside the project ({@code ../shared}) and to the oracle cases
 * computed by PyTorch in float64 (see {@code ../shared/oracle/README.md}).
 *
 * <p>Where the shared folder is: the system property {@code vela.shared} if set (the parent pom sets it
 * for surefire), else {@code ../shared} relative to the working directory (a module directory when
 * Maven runs tests), else {@code ../../shared}. The case file is the system property
 * {@code vela.oracle.cases} when set (so a private case file can be swapped in), else
 * {@code <shared>/oracle/oracle-public.jsonl}.
 *
 * <pre>{@code
 * Path f = Oracle.casesFile();                 // may not exist: check Files.exists(f)
 * for (Oracle.Case c : Oracle.loadCases(f)) {
 *     Tensor x = c.inputs().get(0).toTensor(DType.FLOAT64);
 * }
 * }</pre>
 * Reusable from other modules through the core's test-jar.
 */
public final class Oracle {

    /** System property naming the shared folder. */
    public static final String SHARED_PROPERTY = "vela.shared";
    /** System property naming the oracle case file (overrides the shared folder's public file). */
    public static final String CASES_PROPERTY = "vela.oracle.cases";

    private Oracle() {
    }

    /** A row-major array with its shape, as the oracle files write {@code {"shape": [...], "data": [...]}}. */
    public record Array(int[] shape, double[] data) {
        public Array {
            long n = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                }
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                        + " elements but data has " + data.length);
            }
        }

        /** Parses {@code {"shape": [...], "data": [...]}}; {@code null} gives {@code null}. */
        public static Array fromJson(Object json) {
            if (json == null) {
                return null;
            }
            Map<String, Object> m = Json.asObject(json);
            return new Array(Json.asIntArray(m.get("shape")), Json.asDoubleArray(m.get("data")));
        }

        /** This array as a new tensor of the given dtype (via {@code Tensor.fromArray}). */
        public Tensor toTensor(DType dtype) {
            return Tensor.fromArray(data.clone(), dtype, shape.clone());
        }

        /** Number of elements. */
        public int size() {
            return data.length;
        }

        /** Shape as Vela prints it, e.g. "(2, 3)", "(5,)", "()". */
        public String shapeString() {
            return Oracle.shapeString(shape);
        }

        @Override
        public String toString() {
            return "Array" + shapeString() + Arrays.toString(data);
        }
    }

    /**
     * One oracle case.
     *
     * @param grads {@code null} when the op has no gradient; else one entry per input, {@code null} where
     *              that input is not differentiated (targets, indices)
     * @param line  1-based line number in the case file, for messages
     */
    public record Case(String id, String op, Map<String, Object> args, String doc, List<Array> inputs,
                       Array output, Array upstream, List<Array> grads, int line) {

        /** Whether input {@code i} is differentiated in this case. */
        public boolean differentiable(int i) {
            return grads != null && grads.get(i) != null;
        }

        /** Whether the args hold {@code key} (possibly mapped to JSON null). */
        public boolean hasArg(String key) {
            return args.containsKey(key);
        }

        /** An argument as a Java value (Double, String, Boolean, List, Map or null). */
        public Object arg(String key) {
            if (!args.containsKey(key)) {
                throw new IllegalArgumentException("case " + id + ": missing arg '" + key + "' (args " + args + ")");
            }
            return args.get(key);
        }

        public int intArg(String key) {
            return Json.asInt(arg(key));
        }

        public double doubleArg(String key) {
            return Json.asDouble(arg(key));
        }

        public int[] intArrayArg(String key) {
            return Json.asIntArray(arg(key));
        }

        public String stringArg(String key) {
            Object v = arg(key);
            if (!(v instanceof String str)) {
                throw new IllegalArgumentException("case " + id + ": arg '" + key + "' is not a string: " + v);
            }
            return str;
        }

        public boolean boolArg(String key) {
            Object v = arg(key);
            if (!(v instanceof Boolean b)) {
                throw new IllegalArgumentException("case " + id + ": arg '" + key + "' is not a boolean: " + v);
            }
            return b;
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** The shared folder, or {@code null} if none of the candidates exists. */
    public static Path sharedDir() {
        for (Path p : sharedCandidates()) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        return null;
    }

    /** The places looked at for the shared folder, in order (for messages). */
    public static List<Path> sharedCandidates() {
        List<Path> l = new ArrayList<>();
        String prop = System.getProperty(SHARED_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            l.add(Path.of(prop).toAbsolutePath().normalize());
        }
        Path cwd = Path.of(System.getProperty("user.dir"));
        l.add(cwd.resolve("../shared").normalize());
        l.add(cwd.resolve("../../shared").normalize());
        return Collections.unmodifiableList(l);
    }

    /**
     * The oracle case file: {@code vela.oracle.cases} when set, else {@code <shared>/oracle/oracle-public.jsonl}
     * (first candidate shared folder if none exists). The file may not exist; callers check.
     */
    public static Path casesFile() {
        String prop = System.getProperty(CASES_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path shared = sharedDir();
        if (shared == null) {
            shared = sharedCandidates().get(0);
        }
        return shared.resolve("oracle").resolve("oracle-public.jsonl").toAbsolutePath().normalize();
    }

    /** Loads the cases of {@link #casesFile()}. */
    public static List<Case> loadCases() {
        return loadCases(casesFile());
    }

    /** Loads every case of a JSON-lines file (blank lines skipped); errors name the file and line. */
    public static List<Case> loadCases(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read oracle cases " + file, e);
        }
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                cases.add(parseCase(Json.parseObject(line), i + 1));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return cases;
    }

    /** One case from its parsed JSON object. */
    public static Case parseCase(Map<String, Object> o, int line) {
        String id = (String) require(o, "id");
        String op = (String) require(o, "op");
        Object argsJson = o.get("args");
        Map<String, Object> args = argsJson == null ? Map.of() : Json.asObject(argsJson);
        String doc = o.get("doc") instanceof String d ? d : "";
        List<Array> inputs = new ArrayList<>();
        for (Object in : Json.asList(require(o, "inputs"))) {
            inputs.add(Array.fromJson(in));
        }
        Array output = Array.fromJson(require(o, "output"));
        Array upstream = Array.fromJson(o.get("upstream"));
        List<Array> grads = null;
        if (o.get("grads") != null) {
            grads = new ArrayList<>();
            for (Object g : Json.asList(o.get("grads"))) {
                grads.add(Array.fromJson(g));
            }
            if (grads.size() != inputs.size()) {
                throw new IllegalArgumentException("case " + id + ": " + grads.size() + " grads for "
                        + inputs.size() + " inputs");
            }
        }
        return new Case(id, op, Collections.unmodifiableMap(args), doc, Collections.unmodifiableList(inputs),
                output, upstream, grads == null ? null : Collections.unmodifiableList(grads), line);
    }

    private static Object require(Map<String, Object> o, String key) {
        if (!o.containsKey(key) || o.get(key) == null) {
            throw new IllegalArgumentException("missing field '" + key + "'");
        }
        return o.get(key);
    }

    /** A parsed {@code {"shape": [...], "data": [...]}} JSON object as a tensor of the given dtype. */
    public static Tensor tensor(Object json, DType dtype) {
        Array a = Array.fromJson(json);
        if (a == null) {
            throw new IllegalArgumentException("Oracle.tensor: null array");
        }
        return a.toTensor(dtype);
    }

    /** Shape as Vela prints it: "(2, 3)", "(5,)", "()". */
    public static String shapeString(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        return sb.append(')').toString();
    }

    /**
     * Compares {@code actual} with {@code expected} elementwise: passes where
     * {@code |a - e| <= atol + rtol * |e|} (NaN matches only NaN, infinities must be equal).
     *
     * @return {@code null} when everything matches, else a message naming the count of mismatches and the
     * worst element (flat index, multi-index, expected, got)
     */
    public static String compare(String what, int[] expectedShape, double[] expected, int[] actualShape,
                                 double[] actual, double rtol, double atol) {
        if (!Arrays.equals(expectedShape, actualShape)) {
            return what + ": shape " + shapeString(actualShape) + ", expected " + shapeString(expectedShape);
        }
        if (expected.length != actual.length) {
            return what + ": " + actual.length + " values, expected " + expected.length;
        }
        int bad = 0;
        int worst = -1;
        double worstRatio = -1;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            double ratio;
            if (Double.isNaN(e) || Double.isNaN(a) || Double.isInfinite(e) || Double.isInfinite(a)) {
                boolean same = Double.isNaN(e) ? Double.isNaN(a) : e == a;
                ratio = same ? 0 : Double.POSITIVE_INFINITY;
            } else {
                ratio = Math.abs(a - e) / (atol + rtol * Math.abs(e));
            }
            if (ratio > 1) {
                bad++;
            }
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worst = i;
            }
        }
        if (bad == 0) {
            return null;
        }
        return String.format("%s: %d of %d values off (rtol %.0e, atol %.0e); worst at flat %d %s: expected %.17g, got %.17g (|diff| %.3e)",
                what, bad, expected.length, rtol, atol, worst, Arrays.toString(unravel(worst, expectedShape)),
                expected[worst], actual[worst], Math.abs(actual[worst] - expected[worst]));
    }

    /** Row-major flat index to multi-index. */
    public static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 0) {
                return idx;
            }
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}
