// The `applications` namespace of the public API: ready-made architectures built from layers.
export { Xception, type XceptionArgs } from './xception.js';
