import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import {
  type CompileArgs,
  Input,
  LambdaCallback,
  Model,
  ModelCheckpoint,
  Sequential,
  Tensor,
  layers,
  loadModel,
  optimizers,
  random,
  setSeed,
  tensor,
  zeros,
} from '../src/index.js';
import { formatPath } from '../src/node/model_checkpoint.js';
import { modelFromKeras } from '../src/models/keras_config.js';
import { layerFromKeras, layerToKeras } from '../src/layers/keras_config.js';
import { type H5Group, readHdf5, writeHdf5 } from '../src/saving/hdf5.js';
import { FIXTURES, fixtureArray, maxAbsError, maxRelativeError } from './helpers/fixtures.js';
import { fixtureData } from './helpers/parity.js';

const MODELS = [
  'mlp',
  'qa',
  'social',
  'inception',
  'residual',
  'siamese',
  'dual_camera',
  'masked_bidirectional',
  'regularized',
  'transformer',
  'attention',
];
const CONV_STACKS = new Set(['social', 'inception', 'residual', 'dual_camera']);
const dir = mkdtempSync(join(tmpdir(), 'dendrite-saving-'));
const kerasFile = (folder: string): string => join(FIXTURES, folder, 'model.keras');
const outputsOf = (p: Tensor | Tensor[] | Readonly<Record<string, Tensor>>): Tensor[] =>
  Array.isArray(p) ? p : p instanceof Tensor ? [p] : Object.values(p);

/** Every group path in a weights tree that holds arrays or a `name` attribute. */
function groupPaths(g: H5Group, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, child] of g.groups) out.push(`${prefix}${k}`, ...groupPaths(child, `${prefix}${k}/`));
  return out;
}

for (const folder of MODELS) {
  test(`${folder}: Keras 3's model.keras loads with its weights, predictions and compile settings and optimizer state, and trains like Keras`, async () => {
    const { manifest: m, xs, ys } = fixtureData(folder);
    const model = await loadModel(kerasFile(folder));
    assert.deepEqual(model.inputNames, m.input_names);
    assert.deepEqual(model.outputNames, m.output_names);
    assert.equal(model.weights.length, m.weights.length);
    m.weights.forEach((w, i) =>
      assert.equal(maxAbsError(model.weights[i].value, fixtureArray(folder, w.file)), 0, `${w.path} loaded exactly`),
    );
    const tol = CONV_STACKS.has(folder) ? 1e-4 : 1e-5;
    const preds = outputsOf(model.predict(xs, { batchSize: xs[0].shape[0] }));
    m.predictions.forEach((p, i) => {
      const err = maxRelativeError(preds[i], fixtureArray(folder, p.file));
      assert.ok(err <= tol, `prediction ${p.output}: relative error ${err}`);
    });
    // compile_config restored: RMSprop with the file's hyperparameters.
    const c = m.compile as { optimizer: { learning_rate: number; rho: number; epsilon: number } };
    const opt = model.optimizer as optimizers.RMSprop;
    assert.equal(opt.name, 'RMSprop');
    assert.deepEqual(
      [opt.learningRate, opt.rho, opt.epsilon],
      [Math.fround(c.optimizer.learning_rate), c.optimizer.rho, c.optimizer.epsilon],
    );
    // The optimizer state too. These files were saved after Keras's one training step, so each
    // velocity must be (1 − ρ)·g² of that step's gradient: Keras's slot order, checked by value.
    assert.equal(opt.iterations, 1);
    const { slots } = opt.kerasState(model.trainableWeights);
    assert.equal(slots.length, m.train_step.gradients.length);
    m.train_step.gradients.forEach((g, i) => {
      // TensorFlow hands an embedding's gradient to RMSprop as slices (IndexedSlices), not as the
      // dense gradient the fixture stores, and its velocity does not follow (1 − ρ)·g² of that.
      if (g.path.endsWith('/embeddings')) return;
      const grad = fixtureArray(folder, g.file).values;
      const velocity = slots[i][1];
      let err = 0;
      let scale = 0;
      grad.forEach((gv, k) => {
        const want = (1 - c.optimizer.rho) * gv * gv;
        err = Math.max(err, Math.abs(velocity[k] - want));
        scale = Math.max(scale, want);
      });
      assert.ok(err <= 1e-4 * scale + 1e-12, `${g.path}: velocity error ${err} of ${scale}`);
    });
    // And a fresh compile from the same settings takes Keras's first step from the loaded weights.
    model.compile({
      optimizer: new optimizers.RMSprop({
        learningRate: c.optimizer.learning_rate,
        rho: c.optimizer.rho,
        epsilon: c.optimizer.epsilon,
      }),
      loss: (m.compile as { loss: CompileArgs['loss'] }).loss,
      lossWeights: (m.compile as { loss_weights?: Record<string, number> }).loss_weights,
    });
    await model.trainOnBatch(xs, ys);
    m.train_step.weights_after.forEach((w, i) => {
      const err = maxAbsError(model.weights[i].value, fixtureArray(folder, w.file));
      assert.ok(err <= 1e-5, `${w.path} after one step: error ${err}`);
    });
  });

  test(`${folder}: saving writes Keras's config and weight layout, and loads back identical`, async () => {
    const original = await loadModel(kerasFile(folder));
    const path = join(dir, `${folder}.keras`);
    await original.save(path);
    const ours = unzipSync(new Uint8Array(readFileSync(path)));
    const theirs = unzipSync(new Uint8Array(readFileSync(kerasFile(folder))));
    assert.deepEqual(Object.keys(ours).sort(), ['config.json', 'metadata.json', 'model.weights.h5']);
    const oc = JSON.parse(strFromU8(ours['config.json'])) as {
      config: Record<string, unknown>;
      compile_config: Record<string, unknown>;
    };
    const tc = JSON.parse(strFromU8(theirs['config.json'])) as { config: Record<string, unknown> };
    type Entry = {
      class_name: string;
      name: string;
      config: Record<string, unknown>;
      inbound_nodes: { args: unknown }[];
    };
    const wiring = (c: Record<string, unknown>): unknown =>
      (c.layers as Entry[]).map((l) => [l.class_name, l.name, l.inbound_nodes.map((n) => n.args)]);
    assert.deepEqual(wiring(oc.config), wiring(tc.config), 'layers, names and inbound nodes');
    assert.deepEqual(oc.config.input_layers, tc.config.input_layers);
    assert.deepEqual(oc.config.output_layers, tc.config.output_layers);
    // Every option written holds the value Keras wrote for it (dtype policies aside, which Keras shares by id).
    const check = (ol: Entry[], tl: Entry[]): void =>
      ol.forEach((l, i) => {
        for (const [k, v] of Object.entries(l.config)) {
          if (k === 'dtype') continue;
          if (k === 'layers') {
            check(v as Entry[], tl[i].config.layers as Entry[]);
            continue;
          }
          if (k === 'layer' || k === 'backward_layer') {
            // A wrapper's layers: Keras writes options Dendrite leaves at their defaults.
            check([v as Entry], [tl[i].config[k] as Entry]);
            continue;
          }
          assert.ok(k in tl[i].config, `${l.name}: Keras's config has no '${k}'`);
          assert.deepEqual(v, tl[i].config[k], `${l.name}.${k}`);
        }
      });
    check(oc.config.layers as Entry[], tc.config.layers as Entry[]);
    assert.equal((oc.compile_config.optimizer as { class_name: string }).class_name, 'RMSprop');
    // The weights file has Keras's groups, the optimizer's included.
    const ow = groupPaths(await readHdf5(ours['model.weights.h5'], 'ours'));
    const tw = groupPaths(await readHdf5(theirs['model.weights.h5'], 'theirs'));
    assert.deepEqual(ow.sort(), tw.sort());
    const again = await loadModel(path);
    assert.equal(again.weights.length, original.weights.length);
    again.weights.forEach((w, i) => assert.deepEqual(w.value.values, original.weights[i].value.values, w.path));
  });
}

test("Keras's Xception config builds the same architecture: 20,861,480 parameters, (None, 8, 8, 2048)", () => {
  const config = JSON.parse(readFileSync(join(FIXTURES, 'xception_config', 'config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const model = modelFromKeras(config);
  assert.equal(model.countParams(), 20861480);
  assert.deepEqual(model.outputs[0].shape, [null, 8, 8, 2048]);
});

test("saveWeights/loadWeights: Keras's weights file loads into the same architecture built in TypeScript", async () => {
  // The qa fixture's architecture, built through the API with other layer names: Keras addresses
  // weights by class and position, not by name, so the file still fits.
  const text = Input({ shape: [20], dtype: 'int32', name: 'text' });
  const question = Input({ shape: [20], dtype: 'int32', name: 'question' });
  const a = new layers.LSTM(16).apply(new layers.Embedding(300, 16).apply(text));
  const b = new layers.LSTM(8).apply(new layers.Embedding(200, 8).apply(question));
  const out = new layers.Dense(25, { activation: 'softmax' }).apply(layers.concatenate([a, b]));
  const model = new Model([text, question], out);
  const weights = unzipSync(new Uint8Array(readFileSync(kerasFile('qa'))))['model.weights.h5'];
  await model.loadWeights(weights);
  const { manifest: m, xs } = fixtureData('qa');
  m.weights.forEach((w, i) => assert.equal(maxAbsError(model.weights[i].value, fixtureArray('qa', w.file)), 0));
  assert.ok(maxRelativeError(model.predict(xs), fixtureArray('qa', 'pred0.npy')) <= 1e-5);
  const path = join(dir, 'qa.weights.h5');
  await model.saveWeights(path);
  const before = model.getWeights().map((t) => Float32Array.from(t.values));
  model.setWeights(model.getWeights().map((t) => zeros(t.shape)));
  await model.loadWeights(path);
  model.getWeights().forEach((t, i) => assert.deepEqual(t.values, before[i]));
});

test('a weights file that does not fit names the layer and shapes, and changes no weight', async () => {
  const weights = unzipSync(new Uint8Array(readFileSync(kerasFile('mlp'))))['model.weights.h5'];
  const input = Input({ shape: [64] });
  let x = new layers.Dense(32, { activation: 'relu' }).apply(input);
  x = new layers.Dense(16, { activation: 'relu' }).apply(x);
  const model = new Model(input, new layers.Dense(10).apply(x));
  const before = model.getWeights().map((t) => Float32Array.from(t.values));
  await assert.rejects(
    model.loadWeights(weights),
    /do not fit model.*nothing was loaded[\s\S]*kernel of layer 'dense_\d+' \(Dense\) has shape \(32, 16\), the given bytes has \(32, 32\) at layers\/dense_1\/vars\/0/,
  );
  model.getWeights().forEach((t, i) => assert.deepEqual(t.values, before[i]));
});

test('Sequential, Bidirectional, TimeDistributed and a nested model save and load back', async () => {
  setSeed(21);
  const inner = new Sequential(
    [new layers.Dense(6, { activation: 'tanh', inputShape: [5] }), new layers.Dropout(0.2)],
    { name: 'inner' },
  );
  const seqIn = Input({ shape: [7, 5], name: 'steps' });
  let h = new layers.TimeDistributed(inner).apply(seqIn);
  h = new layers.Bidirectional(new layers.GRU(4, { returnSequences: true }), { mergeMode: 'sum' }).apply(h);
  h = new layers.Bidirectional(new layers.LSTM(3)).apply(h);
  const model = new Model(seqIn, new layers.Dense(2, { activation: 'softmax' }).apply(h), { name: 'stacked' });
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['acc'] });
  const path = join(dir, 'stacked.keras');
  await model.save(path);
  const again = await loadModel(path);
  assert.deepEqual(
    again.layers.map((l) => l.className),
    model.layers.map((l) => l.className),
  );
  assert.equal(again.optimizer?.name, 'Adam');
  const probe = random.uniform([3, 7, 5]);
  assert.deepEqual(
    Array.from((again.predict(probe) as Tensor).values),
    Array.from((model.predict(probe) as Tensor).values),
  );
  const seq = new Sequential([new layers.Dense(3, { inputShape: [4] }), new layers.Dense(1)]);
  await seq.save(join(dir, 'seq.keras'));
  const seqAgain = await loadModel(join(dir, 'seq.keras'));
  assert.equal(seqAgain.className, 'Sequential');
  seqAgain.weights.forEach((w, i) => assert.deepEqual(w.value.values, seq.weights[i].value.values));
});

test('what a .keras file cannot hold, or Dendrite cannot honour, fails with the layer named', async () => {
  const input = Input({ shape: [3] });
  const custom = new Model(input, new layers.Dense(2, { activation: (t) => t }).apply(input));
  await assert.rejects(custom.save(join(dir, 'custom.keras')), /Layer 'dense_\d+' uses a custom activation function/);
  await assert.rejects(custom.save(join(dir, 'custom.h5')), /must end in \.keras/);
  const config = JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(kerasFile('mlp'))))['config.json'])) as {
    config: { layers: { config: Record<string, unknown> }[] };
  };
  config.config.layers[1].config.kernel_regularizer = { class_name: 'MyPenalty', config: { l2: 0.01 } };
  assert.throws(
    () => modelFromKeras(config as unknown as Record<string, unknown>),
    /Cannot load layer 'dense' \(Dense\): Unknown regularizer class 'MyPenalty'/,
  );
  await assert.rejects(loadModel(new Uint8Array([1, 2, 3])), /not a \.keras file/);
});

test("Keras 3's full configs of layers the fixtures lack load, with every option Keras writes", () => {
  // Each config lists what the layer's get_config() in Keras 3 writes, at Keras's defaults.
  const dt = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const init = { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null };
  const base = (name: string) => ({ name, trainable: true, dtype: dt });
  const rnnBase = {
    return_sequences: false,
    return_state: false,
    go_backwards: false,
    stateful: false,
    unroll: false,
    zero_output_for_mask: false,
  };
  const cases: [string, Record<string, unknown>][] = [
    ['Dropout', { rate: 0.5, seed: null, noise_shape: null }],
    ['Activation', { activation: 'relu' }],
    ['Flatten', { data_format: 'channels_last' }],
    ['Reshape', { target_shape: [4, 2] }],
    [
      'LayerNormalization',
      {
        axis: [-1],
        epsilon: 0.001,
        center: true,
        scale: true,
        rms_scaling: false,
        beta_initializer: init,
        gamma_initializer: init,
        beta_regularizer: null,
        gamma_regularizer: null,
        beta_constraint: null,
        gamma_constraint: null,
      },
    ],
    ['UpSampling2D', { size: [2, 2], data_format: 'channels_last', interpolation: 'nearest' }],
    [
      'ZeroPadding2D',
      {
        padding: [
          [1, 1],
          [2, 2],
        ],
        data_format: 'channels_last',
      },
    ],
    [
      'Cropping2D',
      {
        cropping: [
          [1, 1],
          [2, 2],
        ],
        data_format: 'channels_last',
      },
    ],
    ['Permute', { dims: [2, 1] }],
    ['RepeatVector', { n: 3 }],
    ['Dot', { axes: 1, normalize: false }],
    ['Concatenate', { axis: -1 }],
    ['Add', {}],
    [
      'Conv2DTranspose',
      {
        filters: 4,
        kernel_size: [3, 3],
        strides: [1, 1],
        padding: 'valid',
        output_padding: null,
        data_format: 'channels_last',
        dilation_rate: [1, 1],
        activation: 'linear',
        use_bias: true,
        kernel_initializer: init,
        bias_initializer: init,
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      },
    ],
    [
      'DepthwiseConv2D',
      {
        depth_multiplier: 1,
        kernel_size: [3, 3],
        strides: [1, 1],
        padding: 'valid',
        data_format: 'channels_last',
        dilation_rate: [1, 1],
        activation: 'linear',
        use_bias: true,
        depthwise_initializer: init,
        bias_initializer: init,
        depthwise_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        depthwise_constraint: null,
        bias_constraint: null,
      },
    ],
    ['GlobalMaxPooling1D', { data_format: 'channels_last', keepdims: false }],
    ['AveragePooling2D', { pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last' }],
    [
      'GRU',
      {
        ...rnnBase,
        units: 4,
        activation: 'tanh',
        recurrent_activation: 'sigmoid',
        use_bias: true,
        kernel_initializer: init,
        recurrent_initializer: init,
        bias_initializer: init,
        kernel_regularizer: null,
        recurrent_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        recurrent_constraint: null,
        bias_constraint: null,
        dropout: 0,
        recurrent_dropout: 0,
        reset_after: true,
        seed: null,
      },
    ],
    [
      'SimpleRNN',
      {
        ...rnnBase,
        units: 4,
        activation: 'tanh',
        use_bias: true,
        kernel_initializer: init,
        recurrent_initializer: init,
        bias_initializer: init,
        kernel_regularizer: null,
        recurrent_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        recurrent_constraint: null,
        bias_constraint: null,
        dropout: 0,
        recurrent_dropout: 0,
        seed: null,
      },
    ],
    [
      'Embedding',
      {
        input_dim: 10,
        output_dim: 3,
        embeddings_initializer: init,
        embeddings_regularizer: null,
        activity_regularizer: null,
        embeddings_constraint: null,
        mask_zero: true,
        quantization_config: null,
      },
    ],
    [
      'EinsumDense',
      {
        output_shape: [null, 4, 8],
        equation: 'abc,cde->abde',
        activation: 'linear',
        bias_axes: 'de',
        kernel_initializer: init,
        bias_initializer: init,
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
        quantization_config: null,
      },
    ],
    [
      'GroupedQueryAttention',
      {
        head_dim: 8,
        num_query_heads: 4,
        num_key_value_heads: 2,
        use_bias: true,
        use_gate: false,
        sliding_window: null,
        dropout: 0,
        kernel_initializer: init,
        bias_initializer: init,
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
        seed: null,
      },
    ],
  ];
  for (const [className, config] of cases) {
    const layer = layerFromKeras({
      module: 'keras.layers',
      class_name: className,
      config: { ...base(`k_${className.toLowerCase()}`), ...config },
      registered_name: null,
    });
    assert.equal(layer.className, className);
    assert.equal(layer.name, `k_${className.toLowerCase()}`);
    // And the options took effect: what the layer writes back holds the values it was given.
    for (const [k, v] of Object.entries(layerToKeras(layer).config)) {
      if (k !== 'dtype' && k in config) assert.deepEqual(v, config[k], `${className}.${k}`);
    }
  }
});

test("a Bidirectional layer saved by Keras 3 loads, though Keras gives each direction's initializers their own shared_object_id", () => {
  const archive = unzipSync(new Uint8Array(readFileSync(kerasFile('masked_bidirectional'))));
  const config = JSON.parse(strFromU8(archive['config.json'])) as {
    config: { layers: { class_name: string; config: Record<string, unknown> }[] };
  };
  const entry = config.config.layers.find((l) => l.class_name === 'Bidirectional')!;
  const inner = entry.config as { layer: { config: Record<string, unknown> }; backward_layer: typeof entry };
  const layer = layerFromKeras({ module: 'keras.layers', class_name: 'Bidirectional', config: entry.config });
  assert.ok(layer instanceof layers.Bidirectional);
  assert.equal(layer.forwardLayer.name, 'forward_lstm');
  assert.equal(layer.backwardLayer.name, 'backward_lstm');
  assert.equal(layer.backwardLayer.goBackwards, true);
  // A backward layer that is not the forward one reversed in time is refused, naming the difference.
  const differing = structuredClone(entry.config) as typeof inner;
  differing.backward_layer.config.units = 7;
  assert.throws(
    () => layerFromKeras({ module: 'keras.layers', class_name: 'Bidirectional', config: differing }),
    /Cannot load layer 'bidirectional' \(Bidirectional\): its backward layer is not the forward layer reversed in time: units is 5 forwards, 7 backwards/,
  );
  const sameDirection = structuredClone(entry.config) as typeof inner;
  sameDirection.backward_layer.config.go_backwards = false;
  assert.throws(
    () => layerFromKeras({ module: 'keras.layers', class_name: 'Bidirectional', config: sameDirection }),
    /its backward layer .* go_backwards is false in both directions/,
  );
});

test('training resumes from a saved model: the optimizer state is saved and restored (RMSprop with momentum, Adam)', async () => {
  for (const optimizer of [
    () => new optimizers.RMSprop({ learningRate: 0.01, momentum: 0.5 }),
    () => new optimizers.Adam({ learningRate: 0.01 }),
  ]) {
    setSeed(31);
    const input = Input({ shape: [6] });
    const model = new Model(
      input,
      new layers.Dense(3, { activation: 'softmax' }).apply(new layers.Dense(8, { activation: 'tanh' }).apply(input)),
    );
    model.compile({ optimizer: optimizer(), loss: 'categorical_crossentropy' });
    const x = random.uniform([32, 6]);
    const y = random.uniform([32, 3]);
    for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
    const path = join(dir, `resume-${model.optimizer!.name}.keras`);
    await model.save(path);
    const resumed = await loadModel(path);
    assert.equal(resumed.optimizer!.iterations, 3);
    for (let i = 0; i < 2; i++) {
      await model.trainOnBatch(x, y);
      await resumed.trainOnBatch(x, y);
    }
    // Bit-identical only if every moment and the step count came back.
    resumed.weights.forEach((w, i) =>
      assert.deepEqual(w.value.values, model.weights[i].value.values, `${model.optimizer!.name}: ${w.path}`),
    );
  }
});

test('layers with several outputs, and a nested model as the output, save and load (Keras counts its nodes from 1 there)', async () => {
  setSeed(41);
  const x = Input({ shape: [4, 3], name: 'seq' });
  const [, h, c] = new layers.LSTM(5, { returnState: true }).applyMulti(x);
  const stateModel = new Model(x, new layers.Dense(2).apply(layers.concatenate([h, c])));
  await stateModel.save(join(dir, 'state.keras'));
  const probe = random.uniform([2, 4, 3]);
  const stateAgain = await loadModel(join(dir, 'state.keras'));
  assert.deepEqual(
    Array.from((stateAgain.predict(probe) as Tensor).values),
    Array.from(stateModel.predict(probe).values),
  );

  const innerIn = Input({ shape: [3] });
  const inner = new Model(innerIn, new layers.Dense(2).apply(innerIn), { name: 'inner' });
  const outerIn = Input({ shape: [3], name: 'outer_in' });
  const outer = new Model(outerIn, inner.apply(outerIn), { name: 'outer' });
  await outer.save(join(dir, 'outer.keras'));
  const config = JSON.parse(
    strFromU8(unzipSync(new Uint8Array(readFileSync(join(dir, 'outer.keras'))))['config.json']),
  ) as { config: { output_layers: unknown } };
  assert.deepEqual(config.config.output_layers, ['inner', 1, 0]);
  const outerAgain = await loadModel(join(dir, 'outer.keras'));
  const p = random.uniform([2, 3]);
  assert.deepEqual(Array.from((outerAgain.predict(p) as Tensor).values), Array.from(outer.predict(p).values));
});

test('records by name: Keras sorts dict keys, and saving keeps the record; a model called with a dict loads', async () => {
  setSeed(51);
  const b = Input({ shape: [3], name: 'b_in' });
  const a = Input({ shape: [3], name: 'a_in' });
  const joined = layers.concatenate([a, b]);
  const z = new layers.Dense(2, { name: 'dz' }).apply(joined);
  const y = new layers.Dense(2, { name: 'da' }).apply(joined);
  const model = new Model({ b, a }, { z, a: y });
  // Keras flattens dicts by sorted key: inputs a, b and outputs a, z, which orders the layers (and their weights in files).
  assert.deepEqual(model.inputNames, ['a', 'b']);
  assert.deepEqual(model.outputNames, ['a', 'z']);
  assert.deepEqual(
    model.layers.filter((l) => l.className === 'Dense').map((l) => l.name),
    ['da', 'dz'],
  );
  model.compile({ optimizer: 'sgd', loss: { a: 'mse', z: 'mae' } });
  const path = join(dir, 'records.keras');
  await model.save(path);
  const config = JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(path)))['config.json'])) as {
    config: { input_layers: unknown; output_layers: unknown };
  };
  assert.deepEqual(config.config.input_layers, { a: ['a_in', 0, 0], b: ['b_in', 0, 0] });
  assert.deepEqual(config.config.output_layers, { a: ['da', 0, 0], z: ['dz', 0, 0] });
  const again = await loadModel(path);
  const data = { a: random.uniform([2, 3]), b: random.uniform([2, 3]) };
  const want = model.predict(data);
  const got = again.predict(data) as Readonly<Record<string, Tensor>>;
  for (const k of ['a', 'z'] as const) assert.deepEqual(Array.from(got[k].values), Array.from(want[k].values));

  // A nested model called by input name, as Keras writes `inner({'left': x, 'right': y})`.
  const left = Input({ shape: [2], name: 'left' });
  const right = Input({ shape: [2], name: 'right' });
  const inner = new Model([left, right], layers.subtract([left, right]), { name: 'diff' });
  const p = Input({ shape: [2], name: 'p' });
  const q = Input({ shape: [2], name: 'q' });
  const outer = new Model([p, q], inner.apply([p, q]), { name: 'outer_dict' });
  await outer.save(join(dir, 'dict-call.keras'));
  const archive = unzipSync(new Uint8Array(readFileSync(join(dir, 'dict-call.keras'))));
  const oc = JSON.parse(strFromU8(archive['config.json'])) as {
    config: { layers: { name: string; inbound_nodes: { args: unknown[] }[] }[] };
  };
  const node = oc.config.layers.find((l) => l.name === 'diff')!.inbound_nodes[0];
  const [tp, tq] = node.args[0] as unknown[];
  node.args = [{ right: tq, left: tp }];
  const edited = zipSync({ ...archive, 'config.json': strToU8(JSON.stringify(oc)) });
  const loaded = await loadModel(edited);
  const xs = [tensor([[5, 1]]), tensor([[2, 2]])];
  assert.deepEqual(Array.from((loaded.predict(xs) as Tensor).values), [3, -1]);
});

test('optimizer state: a schedule saves as its current rate and loads; a state that does not fit is skipped with a warning, as Keras does', async () => {
  setSeed(61);
  const input = Input({ shape: [3] });
  const model = new Model(input, new layers.Dense(2).apply(input));
  model.compile({ optimizer: new optimizers.Adam({ learningRate: (step: number) => 0.01 / (1 + step) }), loss: 'mse' });
  const x = random.uniform([8, 3]);
  const y = random.uniform([8, 2]);
  await model.trainOnBatch(x, y);
  await model.save(join(dir, 'schedule.keras'));
  const again = await loadModel(join(dir, 'schedule.keras'));
  assert.equal(again.optimizer!.iterations, 1);
  assert.equal(again.optimizer!.learningRate, 0.01 / 2); // the rate at step 1, now a constant

  // A file whose optimizer holds more slots than the model's trainable weights need (Keras writes
  // such files when a layer is frozen after training): one slot too many here.
  const archive = unzipSync(new Uint8Array(readFileSync(join(dir, 'schedule.keras'))));
  const tree = await readHdf5(archive['model.weights.h5'], 'schedule');
  const optimizerVars = tree.groups.get('optimizer')!.groups.get('vars')!;
  optimizerVars.arrays.set(String(optimizerVars.arrays.size), { shape: [2], values: new Float32Array(2) });
  const extra = zipSync({ ...archive, 'model.weights.h5': await writeHdf5(tree) });
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => warnings.push(m);
  try {
    const loaded = await loadModel(extra);
    assert.equal(loaded.optimizer!.iterations, 0);
    loaded.weights.forEach((w, i) => assert.deepEqual(w.value.values, model.weights[i].value.values));
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /skipping the saved optimizer state of model .* which does not fit/);
});

test('a record model whose keys are not sorted refuses positional data, which would meet them in sorted order', async () => {
  const b = Input({ shape: [1], name: 'b' });
  const a = Input({ shape: [1], name: 'a' });
  const model = new Model({ b, a }, layers.subtract([b, a]));
  assert.throws(
    () => model.predict([tensor([[10]]), tensor([[1]])]),
    /given as a record with keys b, a; models order a record by sorted key \(a, b\)/,
  );
  assert.deepEqual(Array.from((model.predict({ b: tensor([[10]]), a: tensor([[1]]) }) as Tensor).values), [9]);
});

test('ModelCheckpoint writes .keras files each epoch, or only the best by its monitor, with Keras path formatting', async () => {
  setSeed(71);
  const input = Input({ shape: [3] });
  const model = new Model(input, new layers.Dense(1).apply(input));
  model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: 'mse' });
  const x = random.uniform([16, 3]);
  const y = random.uniform([16, 1]);
  const every = join(dir, 'ckpt-{epoch:02d}-{loss:.3f}.keras');
  const best = join(dir, 'best.weights.h5');
  const perEpoch: number[][][] = [];
  const history = await model.fit(x, y, {
    epochs: 3,
    batchSize: 8,
    verbose: 0,
    validationData: [x, y],
    callbacks: [
      new ModelCheckpoint(every),
      new ModelCheckpoint(best, { saveBestOnly: true, saveWeightsOnly: true }),
      new LambdaCallback({
        onEpochEnd: () => {
          perEpoch.push(model.getWeights().map((t) => Array.from(t.values)));
        },
      }),
    ],
  });
  const losses = history.history.loss;
  for (let e = 0; e < 3; e++) {
    const saved = await loadModel(join(dir, `ckpt-${String(e + 1).padStart(2, '0')}-${losses[e].toFixed(3)}.keras`));
    assert.deepEqual(
      saved.getWeights().map((t) => Array.from(t.values)),
      perEpoch[e],
      `epoch ${e + 1}`,
    );
  }
  // The best file holds the weights of the epoch with the lowest val_loss.
  const vals = history.history.val_loss;
  const twinInput = Input({ shape: [3] });
  const twin = new Model(twinInput, new layers.Dense(1).apply(twinInput));
  await twin.loadWeights(best);
  assert.deepEqual(
    twin.getWeights().map((t) => Array.from(t.values)),
    perEpoch[vals.indexOf(Math.min(...vals))],
  );
  assert.throws(() => new ModelCheckpoint(join(dir, 'x.h5')), /must end in \.keras/);
  assert.equal(
    formatPath('m-{epoch:03d}-{val_acc:.2f}-{lr:.1e}.keras', 4, { val_acc: 0.91234, lr: 0.0001 }),
    'm-005-0.91-1.0e-04.keras',
  );
  assert.throws(() => formatPath('m-{nope}.keras', 0, { loss: 1 }), /names 'nope', which is not in the logs/);
});
