// The element types a tensor can hold, with NumPy-style promotion between them.
package dev.vela;

import java.util.Locale;

/**
 * Element type of a tensor. {@code FLOAT32} is the default ({@code floatx}); {@code FLOAT64} exists so
 * gradients can be checked tightly; the integer types hold indices and labels; {@code BOOL} holds masks.
 * <pre>{@code
 * jshell> Tensor.ones(2).to(DType.FLOAT64).dtype()
 * $1 ==> float64
 * }</pre>
 */
public enum DType {
    FLOAT32(4), FLOAT64(8), INT32(4), INT64(8), BOOL(1);

    private final int byteSize;

    DType(int byteSize) { this.byteSize = byteSize; }

    /** Bytes one element takes in memory. */
    public int byteSize() { return byteSize; }

    /** True for float32 and float64. */
    public boolean isFloating() { return this == FLOAT32 || this == FLOAT64; }

    /** True for int32 and int64. */
    public boolean isInteger() { return this == INT32 || this == INT64; }

    /** The type both operands of a binary op are converted to: bool < int32 < int64 < float32 < float64. */
    public static DType promote(DType a, DType b) {
        return a.ordinalRank() >= b.ordinalRank() ? a : b;
    }

    private int ordinalRank() {
        return switch (this) {
            case BOOL -> 0;
            case INT32 -> 1;
            case INT64 -> 2;
            case FLOAT32 -> 3;
            case FLOAT64 -> 4;
        };
    }

    /** Parses Keras/NumPy names: "float32", "float64", "int32", "int64", "bool". */
    public static DType parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "float32", "float" -> FLOAT32;
            case "float64", "double" -> FLOAT64;
            case "int32", "int" -> INT32;
            case "int64", "long" -> INT64;
            case "bool", "boolean" -> BOOL;
            default -> throw new IllegalArgumentException("unknown dtype '" + name
                    + "': expected one of float32, float64, int32, int64, bool");
        };
    }

    @Override
    public String toString() { return name().toLowerCase(Locale.ROOT); }
}
