// Reads a numeric CSV with a header (plain or gzip) into a float32 feature matrix and a column of string labels.
package dev.vela.nn.data;

import dev.vela.Tensor;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A CSV reader for tables of numbers with a header line and one label column, what
 * {@code pandas.read_csv} does for the tutorials: choose the label column by name, drop columns (an id) or pick
 * the feature columns by name, and get the features as a float32 tensor {@code (rows, features)} and the labels
 * as strings. The file may be gzip-compressed (recognised by content). Blank lines are skipped; fields may be
 * double-quoted. A row with the wrong number of fields, or a feature that is not a number, fails with an
 * {@link IOException} naming the file, the line number (the header is line 1) and the column.
 * <pre>{@code
 * jshell> CsvLoader.Data otto = new CsvLoader().label("target").drop("id").load(Path.of("../shared/data/otto/train.csv.gz"));
 * jshell> otto.features().shape()
 * $2 ==> (61878, 93)
 * jshell> otto.labels()[0]
 * $3 ==> "Class_1"
 * jshell> int[] y = new LabelEncoder().fitTransform(otto.labels());
 * }</pre>
 * A loader is a reusable, immutable-after-configuration description of which columns to read.
 */
public final class CsvLoader {
    private String label;
    private final Set<String> dropped = new LinkedHashSet<>();
    private List<String> features;
    private char delimiter = ',';

    /** A loader with no label column that reads every column as a feature; configure it with the methods below. */
    public CsvLoader() {}

    /**
     * What a CSV file held.
     *
     * @param features     float32 {@code (rows, features)}, row-major in file order
     * @param labels       the label column's values, one per row (an empty array when no label column was chosen)
     * @param featureNames the header names of the feature columns, in tensor column order
     */
    public record Data(Tensor features, String[] labels, List<String> featureNames) {
        /** The number of data rows. */
        public int rows() { return features.shape().dim(0); }
    }

    /** Names the label column (read as strings). */
    public CsvLoader label(String column) {
        this.label = column;
        return this;
    }

    /** Columns to leave out (with no explicit {@link #features}, every other column except the label is a feature). */
    public CsvLoader drop(String... columns) {
        dropped.addAll(Arrays.asList(columns));
        return this;
    }

    /** The feature columns, in this order; when set, all other columns are ignored. */
    public CsvLoader features(String... columns) {
        this.features = List.of(columns);
        return this;
    }

    /** The field separator (default {@code ','}). */
    public CsvLoader delimiter(char d) {
        this.delimiter = d;
        return this;
    }

    /** Shorthand for {@code new CsvLoader().label(labelColumn).drop(drop).load(file)}. */
    public static Data read(Path file, String labelColumn, String... drop) throws IOException {
        return new CsvLoader().label(labelColumn).drop(drop).load(file);
    }

    /**
     * Reads {@code file}.
     *
     * @throws IOException naming the file and the line number for a malformed row; naming the file and listing the
     *                     header for an unknown column; or for an empty file or a damaged gzip stream
     */
    public Data load(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : raw;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
                return parse(file.toString(), r);
            } catch (EOFException | ZipException e) {
                throw new IOException(file + ": damaged or truncated gzip stream (" + e.getMessage() + ")", e);
            }
        }
    }

    private Data parse(String name, BufferedReader r) throws IOException {
        String line = r.readLine();
        int lineNo = 1;
        while (line != null && line.isBlank()) {
            line = r.readLine();
            lineNo++;
        }
        if (line == null) throw new IOException(name + ": empty file, expected a header line");
        if (!line.isEmpty() && line.charAt(0) == '\uFEFF') line = line.substring(1); // UTF-8 byte order mark
        List<String> header = split(name, lineNo, line);
        int width = header.size();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < width; i++) {
            if (index.putIfAbsent(header.get(i), i) != null) {
                throw new IOException(name + " line " + lineNo + ": the header names column '" + header.get(i) + "' twice");
            }
        }
        int labelCol = -1;
        if (label != null) labelCol = column(name, index, header, label, "label");
        for (String d : dropped) column(name, index, header, d, "dropped");
        List<Integer> featureCols = new ArrayList<>();
        if (features != null) {
            for (String f : features) {
                int c = column(name, index, header, f, "feature");
                if (c == labelCol) {
                    throw new IOException(name + ": column '" + f + "' is both the label and a feature");
                }
                featureCols.add(c);
            }
        } else {
            for (int i = 0; i < width; i++) {
                if (i != labelCol && !dropped.contains(header.get(i))) featureCols.add(i);
            }
        }
        int nf = featureCols.size();
        int[] fc = featureCols.stream().mapToInt(Integer::intValue).toArray();

        float[] buf = new float[Math.max(16, nf * 1024)];
        List<String> labels = new ArrayList<>();
        int rows = 0;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) continue;
            List<String> fields = split(name, lineNo, line);
            if (fields.size() != width) {
                throw new IOException(name + " line " + lineNo + ": expected " + width + " fields as in the header, got "
                        + fields.size());
            }
            if ((long) (rows + 1) * nf > Integer.MAX_VALUE - 64) {
                throw new IOException(name + " line " + lineNo + ": too many values for one tensor");
            }
            if ((rows + 1) * nf > buf.length) buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 64L, buf.length * 2L));
            for (int j = 0; j < nf; j++) {
                buf[rows * nf + j] = number(name, lineNo, header.get(fc[j]), fields.get(fc[j]));
            }
            if (labelCol >= 0) labels.add(fields.get(labelCol));
            rows++;
        }
        Tensor x = Tensor.fromArray(Arrays.copyOf(buf, rows * nf), rows, nf);
        List<String> names = new ArrayList<>();
        for (int c : fc) names.add(header.get(c));
        return new Data(x, labels.toArray(new String[0]), List.copyOf(names));
    }

    private static int column(String name, Map<String, Integer> index, List<String> header, String col, String role)
            throws IOException {
        Integer c = index.get(col);
        if (c == null) {
            throw new IOException(name + ": no " + role + " column '" + col + "' in the header; its columns are "
                    + abbreviate(header));
        }
        return c;
    }

    private static String abbreviate(List<String> header) {
        if (header.size() <= 12) return header.toString();
        return header.subList(0, 6) + " ... " + header.subList(header.size() - 3, header.size()) + " (" + header.size()
                + " columns)";
    }

    private static float number(String name, int lineNo, String column, String field) throws IOException {
        String s = field.strip();
        char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
        // Java's parser also takes "1f", "2d" and hex floats; a CSV number does not look like that
        boolean plausible = !s.isEmpty() && last != 'f' && last != 'F' && last != 'd' && last != 'D'
                && !s.startsWith("0x") && !s.startsWith("0X") && !s.startsWith("-0x") && !s.startsWith("-0X");
        if (plausible) {
            try {
                return Float.parseFloat(s);
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new IOException(name + " line " + lineNo + ", column '" + column + "': "
                + (s.isEmpty() ? "empty field" : "'" + field + "' is not a number"));
    }

    /** Splits one line on the delimiter; a field may be double-quoted, with "" standing for a quote inside it. */
    private List<String> split(String name, int lineNo, String line) throws IOException {
        if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
        List<String> out = new ArrayList<>();
        int i = 0, n = line.length();
        while (true) {
            if (i < n && line.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) throw new IOException(name + " line " + lineNo + ": unterminated quoted field");
                    char ch = line.charAt(i++);
                    if (ch == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            sb.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        sb.append(ch);
                    }
                }
                out.add(sb.toString());
                if (i < n && line.charAt(i) != delimiter) {
                    throw new IOException(name + " line " + lineNo + ": unexpected character '" + line.charAt(i)
                            + "' after a quoted field (column " + (out.size()) + ")");
                }
            } else {
                int j = line.indexOf(delimiter, i);
                if (j < 0) j = n;
                out.add(line.substring(i, j));
                i = j;
            }
            if (i >= n) break;
            i++; // the delimiter
            if (i == n) {
                out.add(""); // a trailing delimiter ends with an empty field
                break;
            }
        }
        return out;
    }
}
