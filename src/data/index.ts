// The data module: datasets and sequences that fit, evaluate and predict read batch by batch.
export { Dataset, type BatchArgs, type ShuffleArgs, type ZippedElement } from './dataset.js';
export { Sequence } from './sequence.js';
export type { Element } from './element.js';
