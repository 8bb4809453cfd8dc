import assert from 'node:assert/strict';
import { type Model, losses, ops, optimizers, type Tensor } from '../../src/index.js';
import { type Manifest, fixtureArray, loadManifest, maxAbsError, maxRelativeError } from './fixtures.js';

export interface ParityTolerances {
  /** Relative tolerance for predictions and losses (README: 1e-5, 1e-4 after convolution stacks). */
  value?: number;
  /** Gradient error relative to the largest gradient of that weight (README: 1e-4). */
  grad?: number;
  /**
   * Absolute gradient error that passes whatever the relative error: a gradient that is zero in
   * exact arithmetic (an attention key's bias, which the softmax cancels) is float noise in both.
   */
  gradFloor?: number;
  /** Absolute tolerance on weights after one step (README: 1e-5). */
  weight?: number;
}

export interface FixtureData {
  manifest: Manifest;
  xs: Tensor[];
  ys: Tensor[];
}

export function fixtureData(folder: string): FixtureData {
  const manifest = loadManifest(folder);
  return {
    manifest,
    xs: manifest.inputs.map((i) => fixtureArray(folder, i.file)),
    ys: manifest.targets.map((t) => fixtureArray(folder, t.file)),
  };
}

function compileFromManifest(model: Model, m: Manifest): void {
  const c = m.compile as {
    optimizer: { learning_rate: number; rho: number; epsilon: number };
    loss: string | Record<string, string>;
    loss_weights?: Record<string, number>;
    metrics?: string[];
  };
  model.compile({
    optimizer: new optimizers.RMSprop({
      learningRate: c.optimizer.learning_rate,
      rho: c.optimizer.rho,
      epsilon: c.optimizer.epsilon,
    }),
    loss: c.loss as losses.LossId | Record<string, losses.LossId>,
    lossWeights: c.loss_weights,
    metrics: c.metrics as 'acc'[] | undefined,
  });
}

/**
 * Checks a model built through the API against a Keras 3 fixture: weights are set from the
 * fixture (so weight order and shapes must match Keras's), then predictions, the loss and its
 * gradients, and every weight after one RMSprop step are compared.
 */
export async function checkParity(folder: string, model: Model, tol: ParityTolerances = {}): Promise<void> {
  const { value = 1e-5, grad = 1e-4, weight = 1e-5, gradFloor = 0 } = tol;
  const { manifest: m, xs, ys } = fixtureData(folder);
  const ws = model.weights;
  assert.equal(ws.length, m.weights.length, `weight count: ours ${ws.map((w) => w.path).join(', ')}`);
  m.weights.forEach((w, i) => assert.deepEqual(ws[i].shape, w.shape, `weight ${i} (${w.path}) shape`));
  model.setWeights(m.weights.map((w) => fixtureArray(folder, w.file)));

  // Predictions (inference mode).
  const preds = model.predict(xs, { batchSize: xs[0].shape[0] });
  const predList = Array.isArray(preds) ? preds : [preds as Tensor];
  m.predictions.forEach((p, i) => {
    const err = maxRelativeError(predList[i], fixtureArray(folder, p.file));
    assert.ok(err <= value, `${folder}: prediction ${p.output} relative error ${err}`);
  });

  // Loss and gradients (training mode), straight through the model's forward pass.
  compileFromManifest(model, m);
  const c = m.compile as { loss: string | Record<string, string>; loss_weights?: Record<string, number> };
  const trainable = model.trainableWeights;
  const { value: loss, grads } = ops.valueAndGrads(
    () => {
      const outs = model.forward(xs, true);
      let total: Tensor | null = null;
      model.outputNames.forEach((name, i) => {
        const id = (typeof c.loss === 'string' ? c.loss : c.loss[name]) as losses.LossId;
        const l = ops.scale(ops.mean(losses.getLoss(id)(ys[i], outs[i])), c.loss_weights?.[name] ?? 1);
        total = total ? ops.add(total, l) : l;
      });
      // Regularization penalties and added losses, as Keras's compute_loss adds them.
      for (const extra of model.losses) total = ops.add(total!, extra);
      return total!;
    },
    trainable.map((w) => w.value),
  );
  // forward(training) may have moved BatchNormalization statistics: put them back.
  model.setWeights(m.weights.map((w) => fixtureArray(folder, w.file)));
  const lossErr = Math.abs(loss.values[0] - m.train_step.loss_before) / Math.abs(m.train_step.loss_before);
  assert.ok(lossErr <= value, `${folder}: loss ${loss.values[0]} vs Keras ${m.train_step.loss_before}`);
  const trainablePaths = m.weights.filter((w) => w.trainable);
  assert.equal(m.train_step.gradients.length, trainable.length, 'trainable weight count');
  m.train_step.gradients.forEach((g, i) => {
    const err = maxRelativeError(grads[i], fixtureArray(folder, g.file));
    const abs = maxAbsError(grads[i], fixtureArray(folder, g.file));
    assert.ok(
      err <= grad || abs <= gradFloor,
      `${folder}: gradient of ${g.path} (ours ${trainablePaths[i]?.path}) relative error ${err}, absolute ${abs}`,
    );
  });

  // One RMSprop step, through the public API.
  const logs = await model.trainOnBatch(xs, ys, { returnDict: true });
  for (const [k, v] of Object.entries(m.train_step.logs)) {
    assert.ok(k in logs, `${folder}: log '${k}' missing (have ${Object.keys(logs).join(', ')})`);
    const err = Math.abs(logs[k] - v) / Math.max(Math.abs(v), 1e-6);
    assert.ok(err <= value || Math.abs(logs[k] - v) <= 1e-6, `${folder}: log ${k} ${logs[k]} vs Keras ${v}`);
  }
  const after = model.weights;
  m.train_step.weights_after.forEach((w, i) => {
    const err = maxAbsError(after[i].value, fixtureArray(folder, w.file));
    assert.ok(err <= weight, `${folder}: weight ${w.path} after one step, max abs error ${err}`);
  });
}
