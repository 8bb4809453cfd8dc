import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Layer, Model, Variable, layers, ops, random, setSeed, tensor, type Tensor } from '../src/index.js';

class Wrapper extends Layer {
  inner = new layers.Dense(3);
  call(x: Tensor): Tensor {
    return this.inner.apply(x);
  }
}

test('a custom layer tracks the layers it holds: weights, summary and training see them', async () => {
  setSeed(3);
  const x = Input({ shape: [4] });
  const wrapper = new Wrapper();
  const model = new Model(x, wrapper.apply(x));
  assert.equal(wrapper.weights.length, 2);
  assert.deepEqual(
    wrapper.weights.map((w) => w.shape),
    [[4, 3], [3]],
  );
  assert.equal(model.countParams(), 15);
  const lines: string[] = [];
  model.summary({ printFn: (l) => lines.push(l) });
  assert.ok(
    lines.some((l) => /wrapper_\d+ \(Wrapper\)\s+\(None, 3\)\s+15/.test(l)),
    lines.join('\n'),
  );

  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const before = wrapper.inner.getWeights()[0].arraySync();
  await model.fit(random.uniform([16, 4]), random.uniform([16, 3]), { epochs: 1, verbose: 0 });
  assert.notDeepEqual(wrapper.inner.getWeights()[0].arraySync(), before);
});

test('layers and variables in arrays and plain objects are tracked in assignment order', () => {
  class Stack extends Layer {
    blocks = [new layers.Dense(2), new layers.Dense(2)];
    heads = { a: new layers.Dense(1) };
    scale = new Variable('scale', tensor([1]), true, 'stack');
    call(x: Tensor): Tensor {
      return ops.mul(this.heads.a.apply(this.blocks[1].apply(this.blocks[0].apply(x))), this.scale.value);
    }
  }
  const stack = new Stack();
  stack.apply(tensor([[1, 2, 3]]));
  assert.deepEqual(
    stack.weights.map((w) => w.path.replace(/_\d+\//, '/')),
    ['stack/scale', 'dense/kernel', 'dense/bias', 'dense/kernel', 'dense/bias', 'dense/kernel', 'dense/bias'],
  );
  stack.blocks[0].trainable = false;
  assert.equal(stack.trainableWeights.length, 5);
  assert.equal(stack.nonTrainableWeights.length, 2);
});

test('a custom layer without computeOutputShape gets its shapes by running call, unknown sizes kept', () => {
  class Twice extends Layer {
    call(x: Tensor): Tensor {
      return ops.concat([x, x], -1);
    }
  }
  const x = Input({ shape: [null, 5] });
  const y = new Twice().apply(x);
  assert.deepEqual(y.shape, [null, null, 10]);
  const model = new Model(x, new layers.Dense(2).apply(y));
  assert.deepEqual(model.predict(random.uniform([3, 7, 5])).shape, [3, 7, 2]);

  class Broken extends Layer {
    call(): Tensor {
      throw new Error('no luck');
    }
  }
  assert.throws(
    () => new Broken().apply(Input({ shape: [2] })),
    /has no computeOutputShape, and running its call .* failed: no luck/,
  );
});

test('layer.input and layer.output give the graph: feature extraction as in the Keras guide', () => {
  const x = Input({ shape: [6] });
  const h = new layers.Dense(4, { activation: 'relu' }).apply(x);
  const base = new Model(x, new layers.Dense(2).apply(h));
  const extractor = new Model(
    base.inputs,
    base.layers.map((l) => l.output),
  );
  const features = extractor.predict(random.uniform([5, 6]));
  assert.deepEqual(
    features.map((f) => f.shape),
    [
      [5, 6],
      [5, 4],
      [5, 2],
    ],
  );
  assert.equal(base.getLayer(1).output, h);
  assert.deepEqual(base.getLayer(1).outputShape, [null, 4]);
  assert.equal(base.input, x);
  assert.equal(base.output, base.outputs[0]);

  const shared = new layers.Dense(2);
  const a = Input({ shape: [3] });
  const b = Input({ shape: [3] });
  shared.apply(a);
  shared.apply(b);
  assert.equal(shared.getInputAt(1), b);
  assert.throws(() => shared.output, /has been called 2 times, so it has several outputs; use getOutputAt\(i\)/);
  assert.throws(() => shared.getOutputAt(2), /has 2 call\(s\); there is no call 2/);
  assert.throws(() => new layers.Dense(1).output, /has not been called on a symbolic input/);
});
