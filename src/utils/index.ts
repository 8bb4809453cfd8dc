// The `utils` namespace of the public API, as Keras's `keras.utils`: data preparation helpers.
export { toCategorical } from './to_categorical.js';
export { padSequences, type PadSequencesArgs } from './pad_sequences.js';
export { normalize } from './normalize.js';
