// Spatial ops the convolutional and reshaping layers need beyond ops/conv.ts.
export * from './pad.js';
export * from './conv_transpose.js';
