// The `random` namespace of the public API (like numpy.random): seeded by `setSeed`.
export { uniform, normal, truncatedNormal, randint, permutation } from '../tensor/random.js';
