// sklearn.preprocessing.LabelEncoder: maps string labels to 0..k-1 by sorted class order, and back.
package dev.vela.nn.data;

import dev.vela.DType;
import dev.vela.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Encodes labels as integers {@code 0..k-1}, like scikit-learn's {@code LabelEncoder}: the classes are the
 * distinct labels sorted (by {@link String#compareTo}, NumPy's order for ASCII), and a label's code is its index
 * there.
 * <pre>{@code
 * jshell> LabelEncoder enc = new LabelEncoder();
 * jshell> enc.fitTransform("Class_2", "Class_1", "Class_2")
 * $2 ==> int[3] { 1, 0, 1 }
 * jshell> enc.classes()
 * $3 ==> String[2] { "Class_1", "Class_2" }
 * jshell> enc.inverseTransform(0, 1)
 * $4 ==> String[2] { "Class_1", "Class_2" }
 * }</pre>
 */
public final class LabelEncoder {
    private String[] classes;
    private Map<String, Integer> codes;

    /** An unfitted encoder. */
    public LabelEncoder() {}

    /** Learns the sorted distinct labels. */
    public LabelEncoder fit(String... labels) {
        TreeSet<String> set = new TreeSet<>();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == null) throw new IllegalArgumentException("LabelEncoder.fit: label at index " + i + " is null");
            set.add(labels[i]);
        }
        String[] cls = set.toArray(new String[0]);
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < cls.length; i++) m.put(cls[i], i);
        classes = cls;
        codes = m;
        return this;
    }

    /**
     * The code of each label.
     *
     * @throws IllegalArgumentException listing the labels not seen by {@link #fit}
     */
    public int[] transform(String... labels) {
        checkFitted("transform");
        int[] out = new int[labels.length];
        List<String> unseen = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            Integer c = labels[i] == null ? null : codes.get(labels[i]);
            if (c == null) {
                if (unseen.size() < 10 && !unseen.contains(labels[i])) unseen.add(labels[i]);
                continue;
            }
            out[i] = c;
        }
        if (!unseen.isEmpty()) {
            throw new IllegalArgumentException("LabelEncoder.transform: y contains previously unseen labels: " + unseen
                    + "; known classes are " + Arrays.toString(classes));
        }
        return out;
    }

    /** {@link #transform} as an int32 tensor {@code (n,)}. */
    public Tensor transformToTensor(String... labels) { return Tensor.of(transform(labels)); }

    /** {@link #fit} then {@link #transform}. */
    public int[] fitTransform(String... labels) { return fit(labels).transform(labels); }

    /**
     * The label of each code.
     *
     * @throws IllegalArgumentException naming the index of a code outside {@code 0..k-1}
     */
    public String[] inverseTransform(int... codes) {
        checkFitted("inverseTransform");
        String[] out = new String[codes.length];
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < 0 || codes[i] >= classes.length) {
                throw new IllegalArgumentException("LabelEncoder.inverseTransform: code " + codes[i] + " at index " + i
                        + " is outside 0.." + (classes.length - 1));
            }
            out[i] = classes[codes[i]];
        }
        return out;
    }

    /** {@link #inverseTransform(int...)} of an integer (or whole-valued float) tensor, flattened. */
    public String[] inverseTransform(Tensor codes) {
        Tensor c = codes.dtype().isFloating() ? codes.round() : codes;
        return inverseTransform(c.to(DType.INT32).flatten().toIntArray());
    }

    /** The sorted classes (a copy); {@code classes()[code]} is the label of {@code code}. */
    public String[] classes() {
        checkFitted("classes");
        return classes.clone();
    }

    /** The number of classes. */
    public int numClasses() {
        checkFitted("numClasses");
        return classes.length;
    }

    private void checkFitted(String op) {
        if (classes == null) throw new IllegalStateException("LabelEncoder." + op + ": call fit first");
    }
}
