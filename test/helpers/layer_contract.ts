import assert from 'node:assert/strict';
import { Input, type KerasTensor, type Layer, type LayerClass, type Tensor } from '../../src/index.js';
import type { DType } from '../../src/tensor/dtype.js';
import { layerFromKeras, layerToKeras } from '../../src/layers/keras_config.js';
import { checkLayerGradients } from './layer_grad.js';
import { randTensor } from './gradcheck.js';

/** One layer under contract: how to make it (with extra options merged in), and what it is called on. */
export interface ContractCase {
  make: (extra?: Record<string, unknown>) => Layer;
  /** Input shapes without the batch axis (null for unknown sizes); several for multi-input layers. */
  inputs: (number | null)[][];
  dtype?: DType;
  /** Skip the finite-difference gradient check (say why at the case). */
  noGradients?: boolean;
  /** The layer takes no options object, so there is no unknown option to refuse. */
  noOptions?: boolean;
}

function concreteInput(shape: (number | null)[], dtype: DType, seed: number): Tensor {
  const full = [2, ...shape.map((d) => d ?? 3)];
  const t = randTensor(full, seed, dtype === 'int32' ? 0 : -1, dtype === 'int32' ? 5 : 1);
  return dtype === 'int32' ? t.cast('int32') : t;
}

/**
 * Keras's `run_layer_test`, for one layer: symbolic and eager output shapes agree, the config
 * rebuilds the same layer both through `fromConfig` and through Keras's config form, an unknown
 * option is refused by name, and gradients match finite differences.
 */
export function runLayerContract(c: ContractCase): void {
  const dtype = c.dtype ?? 'float32';
  const layer = c.make();
  const symbolic = c.inputs.map((s) => Input({ shape: s, dtype }));
  const out = layer.applyMulti(symbolic.length === 1 ? symbolic[0] : symbolic) as KerasTensor[];
  const concrete = c.inputs.map((s, i) => concreteInput(s, dtype, 10 + i));
  const eager = layer.applyMulti(concrete.length === 1 ? concrete[0] : concrete) as Tensor[];
  assert.equal(eager.length, out.length, `${layer.className}: ${eager.length} eager outputs, ${out.length} symbolic`);
  out.forEach((o, i) => {
    const ok = o.shape.length === eager[i].rank && o.shape.every((d, k) => d === null || d === eager[i].shape[k]);
    assert.ok(ok, `${layer.className}: symbolic shape [${o.shape}] vs eager [${eager[i].shape}]`);
  });

  const config = layer.getConfig();
  const cls = layer.constructor as LayerClass;
  assert.deepEqual(cls.fromConfig(config).getConfig(), config, `${layer.className}: fromConfig(getConfig())`);
  const viaKeras = layerFromKeras(JSON.parse(JSON.stringify(layerToKeras(layer))));
  assert.equal(viaKeras.className, layer.className);
  assert.deepEqual(viaKeras.getConfig(), config, `${layer.className}: through Keras's config form`);

  if (!c.noOptions) {
    assert.throws(() => c.make({ notAnOption: 1 }), /got an unexpected option 'notAnOption'/, layer.className);
  }
  if (!c.noGradients && dtype === 'float32') checkLayerGradients(layer, concrete);
}
