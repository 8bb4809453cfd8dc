// The `layers` namespace of the public API: one export line per layer family.
export { Layer, clearSession, type LayerArgs, type CallContext, type ShapeArg } from './layer.js';
export { InputLayer, Input, type InputArgs } from './input.js';
export { Dense, Activation, Dropout, type DenseArgs, type DropoutArgs } from './core.js';
export { Flatten, Reshape, Permute, RepeatVector } from './reshaping.js';
