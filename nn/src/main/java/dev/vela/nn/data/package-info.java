// Data sets and preprocessing: what keras.datasets, keras.utils and the scikit-learn helpers give the tutorials.
/**
 * Data sets and preprocessing for the tutorials: {@link dev.vela.nn.data.Mnist} (the IDX files, located on
 * disk or downloaded with checksums), {@link dev.vela.nn.data.CsvLoader} (the Otto Group CSV),
 * {@link dev.vela.nn.data.Utils#toCategorical}, {@link dev.vela.nn.data.LabelEncoder},
 * {@link dev.vela.nn.data.StandardScaler}, {@link dev.vela.nn.data.MinMaxScaler},
 * {@link dev.vela.nn.data.TrainTest#split}, the sample generators in {@link dev.vela.nn.data.Datasets},
 * {@link dev.vela.nn.data.PCA}, minibatches with {@link dev.vela.nn.data.Batches}, and NumPy's
 * {@code .npy}/{@code .npz} files with {@link dev.vela.nn.data.Npy}.
 * <pre>{@code
 * jshell> import dev.vela.nn.data.*;
 * jshell> Mnist.Data d = Mnist.load();              // x: float32 (60000, 28, 28) in 0..255, y: int32
 * jshell> Tensor x = d.xTrain().reshape(60000, 784).div(255);
 * jshell> Tensor z = new PCA(60).fitTransform(x);    // (60000, 60)
 * jshell> Tensor y = Utils.toCategorical(d.yTrain(), 10);
 * }</pre>
 */
package dev.vela.nn.data;
