// A recorded op application on the tape: inputs, output, creation order and the versions it saw.
package dev.vela;

import java.util.concurrent.atomic.AtomicLong;

/** What backward needs to replay one op: creation order (for the reverse walk) and saved versions. */
final class Node {
    private static final AtomicLong SEQ = new AtomicLong();

    final Op op;
    final long seq;
    Tensor[] inputs;
    Tensor out;
    private final int[] inputVersions;
    private final int outVersion;
    private boolean freed;

    Node(Op op, Tensor[] inputs, Tensor out) {
        this.op = op;
        this.inputs = inputs.clone();
        this.out = out;
        this.seq = SEQ.incrementAndGet();
        this.inputVersions = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            inputVersions[i] = inputs[i] == null || inputs[i].storage == null ? 0 : inputs[i].storage.version();
        }
        this.outVersion = out.storage == null ? 0 : out.storage.version();
    }

    /** Fails when backward would read a tensor changed in place after this node saved it, or a freed graph. */
    void checkUsable() {
        if (freed) {
            throw new IllegalStateException("backward: trying to backward through the graph a second time (op '"
                    + op.name() + "'): its saved tensors were freed after the first backward; pass retainGraph=true"
                    + " to the first backward if you need to backward twice");
        }
        if (out.storage == null) return; // symbolic: values are read when the graph runs, not now
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t != null && t.storage != null && t.storage.version() != inputVersions[i]) {
                throw new IllegalStateException("backward: input " + i + " of op '" + op.name() + "' (shape "
                        + t.shape() + ") was modified in place after it was saved (version " + inputVersions[i]
                        + " -> " + t.storage.version() + "); its gradient would be wrong");
            }
        }
        if (out.storage != null && out.storage.version() != outVersion) {
            throw new IllegalStateException("backward: the output of op '" + op.name() + "' (shape " + out.shape()
                    + ") was modified in place after it was saved; its gradient would be wrong");
        }
    }

    void free() { freed = true; }

    boolean isFreed() { return freed; }
}
