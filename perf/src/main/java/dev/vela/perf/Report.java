/*
 * The report of ./vela bench: reads the machine's measured limits and JMH's JSON results, and prints one
 * machine-readable line per benchmark (name value unit percent-of-limit) and a readable table.
 */
package dev.vela.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code java -cp benchmarks.jar dev.vela.perf.Report probe.txt results.json}. */
public final class Report {
    private Report() {}

    /** One benchmark result turned into a rate and compared with a limit. */
    public record Line(String name, double value, String unit, double percent, String limit) {}

    public static void main(String[] args) throws IOException {
        Map<String, Double> limits = readProbe(Path.of(args[0]));
        List<Object> results = asList(new MiniJsonParser(Files.readString(Path.of(args[1]))).value());
        List<Line> lines = new ArrayList<>();
        for (Object o : results) lines.add(line(asMap(o), limits));
        System.out.println("# limits: " + limits);
        for (Line l : lines) {
            System.out.printf(Locale.ROOT, "%s %.4g %s %.1f%n", l.name, l.value, l.unit, l.percent);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-58s %14s %-10s %8s  %s%n", "benchmark", "value", "unit", "% limit", "limit");
        for (Line l : lines) {
            System.out.printf(Locale.ROOT, "%-58s %14.4g %-10s %8.1f  %s%n", l.name, l.value, l.unit, l.percent, l.limit);
        }
    }

    static Map<String, Double> readProbe(Path p) throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String s : Files.readAllLines(p)) {
            String[] f = s.trim().split("\\s+");
            if (f.length >= 2 && !s.startsWith("#")) {
                try {
                    m.put(f[0], Double.parseDouble(f[1]));
                } catch (NumberFormatException ignored) {
                    // a comment or a label
                }
            }
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) { return (Map<String, Object>) o; }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object o) { return (List<Object>) o; }

    /** Converts a JMH result (average time per op) into a rate and its fraction of the machine's limit. */
    static Line line(Map<String, Object> r, Map<String, Double> limits) {
        String bench = ((String) r.get("benchmark")).replace("dev.vela.perf.", "");
        Map<String, Object> params = r.get("params") == null ? Map.of() : asMap(r.get("params"));
        Map<String, Object> pm = asMap(r.get("primaryMetric"));
        double score = ((Number) pm.get("score")).doubleValue();
        String unit = (String) pm.get("scoreUnit");
        double seconds = score * switch (unit) {
            case "ns/op" -> 1e-9;
            case "us/op" -> 1e-6;
            case "ms/op" -> 1e-3;
            default -> 1.0;
        };
        String name = bench + (params.isEmpty() ? "" : params.toString().replace(" ", ""));
        double peak = limits.getOrDefault("fma_peak_all", Double.NaN);
        double bw = limits.getOrDefault("bandwidth", Double.NaN);
        if (bench.startsWith("MatmulBench")) {
            double g = MatmulBench.flops((String) params.get("shape")) / seconds / 1e9;
            return new Line(name, g, "GFLOP/s", 100 * g / peak, "FMA peak " + peak + " GFLOP/s");
        }
        if (bench.startsWith("KernelBench")) {
            long n = Long.parseLong((String) params.get("size"));
            String op = bench.substring(bench.indexOf('.') + 1);
            if (op.equals("conv3x3")) {
                double g = 2.0 * 8 * 28 * 28 * 32 * 9 * 32 / seconds / 1e9;
                return new Line(name, g, "GFLOP/s", 100 * g / peak, "FMA peak " + peak + " GFLOP/s");
            }
            double bytes = switch (op.replace("Reused", "")) {
                case "add" -> 12.0 * n;
                case "sum" -> 4.0 * n;
                default -> 8.0 * n;
            };
            if (op.replace("Reused", "").matches("exp|tanh|sigmoid")) {
                double ge = n / seconds / 1e9;
                return new Line(name, ge, "Gelem/s", 100 * ge / 2.0, "target 2 Gelem/s");
            }
            double gbs = bytes / seconds / 1e9;
            return new Line(name, gbs, "GB/s", 100 * gbs / bw, "bandwidth " + bw + " GB/s");
        }
        // fixed-cost benchmarks: time per op against the issue's target
        double target = switch (bench) {
            case "OverheadBench.tinyAddNoGrad" -> 0.3e-6;
            case "OverheadBench.tinyAddTape" -> 1e-6;
            case "MlpStepBench.stepCompiled" -> "32".equals(params.get("batch")) ? 0.25e-3 : 1.2e-3;
            default -> Double.NaN;
        };
        double us = seconds * 1e6;
        return new Line(name, us, "us/op", Double.isNaN(target) ? Double.NaN : 100 * target / seconds,
                Double.isNaN(target) ? "-" : "target " + target * 1e6 + " us (100% = on target)");
    }

    /** A small JSON reader for JMH's result file (objects, arrays, strings, numbers, literals). */
    static final class MiniJsonParser {
        private final String s;
        private int i;

        MiniJsonParser(String s) { this.s = s; }

        Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                ws();
                if (s.charAt(i) == '}') { i++; return m; }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    i++; // ':'
                    m.put(k, value());
                    ws();
                    if (s.charAt(i++) == '}') return m;
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                ws();
                if (s.charAt(i) == ']') { i++; return l; }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(i++) == ']') return l;
                }
            }
            if (c == '"') return string();
            int st = i;
            while (i < s.length() && ",}] \n\r\t".indexOf(s.charAt(i)) < 0) i++;
            String tok = s.substring(st, i);
            return switch (tok) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                case "null" -> null;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(tok);
            };
        }

        private String string() {
            StringBuilder b = new StringBuilder();
            i++;
            while (s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'u' -> { b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; }
                        default -> b.append(e);
                    }
                } else b.append(c);
            }
            i++;
            return b.toString();
        }

        private void ws() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }
    }
}
