import { checkOptions } from './options.js';
import { SPATIAL_DROPOUT_OPTIONS, SpatialDropout, type SpatialDropoutArgs } from './spatial_dropout.js';

export interface SpatialDropout1DArgs extends SpatialDropoutArgs {}

/** Keras 3's SpatialDropout1D: drops whole channels of (batch, steps, channels) inputs in training. */
export class SpatialDropout1D extends SpatialDropout {
  static override readonly className = 'SpatialDropout1D';
  static override readonly positional = ['rate'];
  protected readonly rank = 3;

  constructor(rate: number, args: SpatialDropout1DArgs = {}) {
    checkOptions('SpatialDropout1D', args, SPATIAL_DROPOUT_OPTIONS);
    super(rate, args);
  }
}
