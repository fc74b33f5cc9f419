/**
 * Keras-style neural networks for Vela: layers, {@code Sequential} and functional models, losses,
 * metrics, callbacks, model save/load, datasets and preprocessing.
 *
 * <p>Nothing here yet: the layers and models arrive with a later issue.
 */
package dev.vela.nn;
