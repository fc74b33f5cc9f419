/*
 * Bad input to models: mismatched x/y lengths, labels of the wrong shape for the loss, unknown loss, optimizer,
 * metric and activation names (the messages list the known ones), fit before compile, a Sequential without an
 * input shape, inputs of the wrong width, bad fit options; each fails with a clear message and changes nothing.
 */
package dev.vela.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.Tensor;
import dev.vela.Vela;
import dev.vela.nn.data.Utils;
import dev.vela.optim.Optimizers;
import dev.vela.optim.SGD;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class BadInputTest {

    @BeforeEach
    void reset() {
        Layer.resetNames();
        Vela.seed(3);
    }

    static String fails(Class<? extends Throwable> type, Executable e) {
        return assertThrows(type, e).getMessage();
    }

    static void contains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "message lacks '" + p + "': " + message);
    }

    static Sequential classifier() {
        Sequential m = new Sequential(new Dense(8, "relu").inputDim(4), new Dense(3, "softmax"));
        m.compile(new SGD(0.1), "categorical_crossentropy", "accuracy");
        return m;
    }

    static void assertWeights(List<Tensor> before, Model m) {
        List<Tensor> now = m.getWeights();
        for (int i = 0; i < before.size(); i++) assertArrayEquals(before.get(i).toFloatArray(), now.get(i).toFloatArray(), 0f);
    }

    @Test
    void mismatchedLengths() {
        Sequential m = classifier();
        List<Tensor> before = m.getWeights();
        String msg = fails(IllegalArgumentException.class,
                () -> m.fit(Tensor.randn(10, 4), Utils.toCategorical(new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2}, 3), new FitOptions().verbose(0)));
        contains(msg, "fit", "10", "9", "(10, 4)", "(9, 3)");
        msg = fails(IllegalArgumentException.class, () -> m.evaluate(Tensor.randn(5, 4), Tensor.zeros(6, 3)));
        contains(msg, "evaluate", "5", "6");
        msg = fails(IllegalArgumentException.class, () -> m.trainOnBatch(Tensor.randn(5, 4), Tensor.zeros(6, 3)));
        contains(msg, "trainOnBatch", "5", "6");
        msg = fails(IllegalArgumentException.class, () -> m.trainOnBatch(Tensor.randn(5, 4), Tensor.zeros(6, 3), new double[2]));
        contains(msg, "trainOnBatch", "5", "6");
        msg = fails(IllegalArgumentException.class, () -> m.trainOnBatch(Tensor.randn(5, 4), Tensor.zeros(5, 3), new double[3]));
        contains(msg, "trainOnBatch", "length 3", "2 value(s)", "[loss, accuracy]");
        msg = fails(IllegalArgumentException.class, () -> m.testOnBatch(Tensor.randn(5, 4), Tensor.zeros(5, 3), new double[1]));
        contains(msg, "testOnBatch", "length 1", "2 value(s)");
        msg = fails(IllegalArgumentException.class, () -> m.fit(Tensor.randn(6, 4), Tensor.zeros(6, 3),
                new FitOptions().verbose(0).validationData(Tensor.randn(4, 4), Tensor.zeros(3, 3))));
        contains(msg, "validation", "4", "3");
        assertWeights(before, m);
        assertEquals(0, m.optimizer().iterations());
    }

    @Test
    void labelsOfTheWrongShape() {
        Sequential m = classifier();
        List<Tensor> before = m.getWeights();
        Tensor x = Tensor.randn(6, 4);
        Tensor ids = Tensor.of(new float[] {0, 1, 2, 0, 1, 2});
        String msg = fails(IllegalArgumentException.class, () -> m.fit(x, ids, new FitOptions().verbose(0)));
        contains(msg, "(6,)", "(None, 3)", "categorical_crossentropy", "toCategorical", "sparse_categorical_crossentropy");
        // one-hot of the wrong width
        msg = fails(IllegalArgumentException.class, () -> m.fit(x, Tensor.zeros(6, 4), new FitOptions().verbose(0)));
        contains(msg, "(6, 4)", "(None, 3)");
        // sparse loss with one-hot labels
        m.compile(new SGD(0.1), "sparse_categorical_crossentropy", "accuracy");
        msg = fails(IllegalArgumentException.class, () -> m.fit(x, Utils.toCategorical(ids, 3), new FitOptions().verbose(0)));
        contains(msg, "(6, 3)", "sparse_categorical_crossentropy", "class ids");
        // ... while class ids work with it
        m.fit(x, ids, new FitOptions().verbose(0).epochs(1));
        assertEquals(1, m.optimizer().iterations());
        assertTrue(before.size() == 4);
    }

    @Test
    void inputsOfTheWrongWidth() {
        Sequential m = classifier();
        String msg = fails(IllegalArgumentException.class, () -> m.fit(Tensor.randn(6, 5), Tensor.zeros(6, 3), new FitOptions().verbose(0)));
        contains(msg, "(6, 5)", "(None, 4)");
        msg = fails(IllegalArgumentException.class, () -> m.predict(Tensor.randn(6, 5)));
        contains(msg, "(6, 5)", "(None, 4)");
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        Sequential m = classifier();
        List<Tensor> before = m.getWeights();
        String msg = fails(IllegalArgumentException.class, () -> m.compile("adam", "categorical_crossentrpy", "accuracy"));
        contains(msg, "categorical_crossentrpy", "mean_squared_error", "binary_crossentropy", "categorical_crossentropy",
                "sparse_categorical_crossentropy");
        msg = fails(IllegalArgumentException.class, () -> m.compile("adamm", "mse"));
        contains(msg, "adamm");
        for (String n : Optimizers.names()) contains(msg, n);
        contains(msg, "sgd", "adam", "rmsprop", "adadelta");
        msg = fails(IllegalArgumentException.class, () -> m.compile("adam", "mse", "accuracy", "precission"));
        contains(msg, "precission", "binary_accuracy", "categorical_accuracy", "mae");
        msg = fails(IllegalArgumentException.class, () -> new Dense(3, "rellu"));
        contains(msg, "rellu", "relu", "sigmoid", "softmax");
        // the earlier compile still holds: SGD and categorical cross-entropy
        assertEquals("SGD", m.optimizer().name());
        assertEquals(List.of("loss", "accuracy"), m.metricsNames());
        assertWeights(before, m);
    }

    @Test
    void fitBeforeCompile() {
        Sequential m = new Sequential(new Dense(3).inputDim(2));
        String msg = fails(IllegalStateException.class, () -> m.fit(Tensor.randn(4, 2), Tensor.zeros(4, 3), new FitOptions()));
        contains(msg, "fit", "compile");
        msg = fails(IllegalStateException.class, () -> m.evaluate(Tensor.randn(4, 2), Tensor.zeros(4, 3)));
        contains(msg, "evaluate", "compile");
        msg = fails(IllegalStateException.class, () -> m.trainOnBatch(Tensor.randn(4, 2), Tensor.zeros(4, 3)));
        contains(msg, "compile");
        // predict needs no compile (as in Keras)
        assertEquals("(4, 3)", m.predict(Tensor.randn(4, 2)).shape().toString());
    }

    @Test
    void sequentialWithoutInputShape() {
        Sequential m = new Sequential(new Dense(4), new Dense(1));
        String msg = fails(IllegalStateException.class, () -> m.compile("sgd", "mse"));
        contains(msg, "dense_1", "inputShape", "inputDim");
        msg = fails(IllegalStateException.class, m::summary);
        contains(msg, "input shape");
        msg = fails(IllegalStateException.class, () -> new Sequential().summary());
        contains(msg, "no layers");
        // declaring it afterwards on the first layer makes the model usable
        m.stackLayers().get(0).inputDim(5);
        m.compile("sgd", "mse");
        assertEquals(5 * 4 + 4 + 4 + 1, m.countParams());
    }

    @Test
    void badOptionsAndLayers() {
        contains(fails(IllegalArgumentException.class, () -> new FitOptions().batchSize(0)), "batchSize", "0");
        contains(fails(IllegalArgumentException.class, () -> new FitOptions().validationSplit(1.0)), "validationSplit", "[0, 1)");
        contains(fails(IllegalArgumentException.class, () -> new Dense(0)), "units", "0");
        contains(fails(IllegalArgumentException.class, () -> new Dropout(1.0)), "rate");
        // a layer that cannot take the previous output is rejected when added, and the model stays usable
        Sequential m = new Sequential(new Dense(4).inputDim(3));
        contains(fails(IllegalArgumentException.class, () -> m.add(new Conv2D(2, 3, 3, "relu"))), "Conv2D", "rank 2");
        assertEquals(1, m.layers().size());
        assertEquals("(2, 4)", m.predict(Tensor.randn(2, 3)).shape().toString());
    }
}
