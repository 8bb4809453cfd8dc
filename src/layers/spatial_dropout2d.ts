import { checkOptions, describeValue } from './options.js';
import { SPATIAL_DROPOUT_OPTIONS, SpatialDropout, type SpatialDropoutArgs } from './spatial_dropout.js';

export interface SpatialDropout2DArgs extends SpatialDropoutArgs {
  /** Dendrite is channels-last, so only 'channels_last' (Keras's default). */
  dataFormat?: 'channels_last';
}

/** Keras 3's SpatialDropout2D: drops whole channels of (batch, rows, cols, channels) inputs in training. */
export class SpatialDropout2D extends SpatialDropout {
  static override readonly className = 'SpatialDropout2D';
  static override readonly positional = ['rate'];
  protected readonly rank = 4;

  constructor(rate: number, args: SpatialDropout2DArgs = {}) {
    checkOptions('SpatialDropout2D', args, [...SPATIAL_DROPOUT_OPTIONS, 'dataFormat']);
    if (args.dataFormat !== undefined && args.dataFormat !== 'channels_last') {
      throw new Error(
        `SpatialDropout2D: Dendrite is channels-last, so dataFormat must be 'channels_last', got ${describeValue(args.dataFormat)}.`,
      );
    }
    super(rate, args);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: 'channels_last' };
  }
}
