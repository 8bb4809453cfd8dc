import { test } from 'node:test';
import { Input, Model, layers } from '../src/index.js';
import { checkParity } from './helpers/parity.js';

test('MLP matches Keras 3: predictions, loss, gradients and one RMSprop step', async () => {
  const features = Input({ shape: [64], name: 'features' });
  let x = new layers.Dense(32, { activation: 'relu' }).apply(features);
  x = new layers.Dense(32, { activation: 'relu' }).apply(x);
  const out = new layers.Dense(10, { activation: 'softmax' }).apply(x);
  await checkParity('mlp', new Model(features, out));
});
