import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, layers } from '../src/index.js';
import type { Layer } from '../src/layers/layer.js';
import {
  WindowTooLargeError,
  hasLengthInverse,
  leastWorkingLength,
  minInputLengthThrough,
} from '../src/layers/length_inverse.js';
import type { SymbolicShape } from '../src/tensor/shape.js';

/** The notebook's multi-output stack after its Embedding (which keeps the length). */
function notebookStack(): Layer[] {
  return [
    new layers.Conv1D(4, 5, { activation: 'relu' }),
    new layers.MaxPooling1D(5),
    new layers.Conv1D(4, 5, { activation: 'relu' }),
    new layers.Conv1D(4, 5, { activation: 'relu' }),
    new layers.MaxPooling1D(5),
    new layers.Conv1D(4, 5, { activation: 'relu' }),
    new layers.Conv1D(4, 5, { activation: 'relu', name: 'last_conv' }),
    new layers.GlobalMaxPooling1D(),
  ];
}

function shapesThrough(stack: Layer[], length: number): SymbolicShape {
  return stack.reduce<SymbolicShape>((s, layer) => layer.computeOutputShape(s) as SymbolicShape, [2, length, 3]);
}

test("the notebook's Conv1D/MaxPooling1D stack needs 269 steps: by inverse chaining and by search", () => {
  const stack = notebookStack();
  let x = Input({ shape: [null, 3] });
  for (const layer of stack) x = layer.apply(x);
  assert.deepEqual(x.shape, [null, 4]);
  assert.equal(minInputLengthThrough(stack), 269);
  const works = (n: number): boolean => {
    try {
      shapesThrough(stack, n);
      return true;
    } catch (e) {
      if (e instanceof WindowTooLargeError) return false;
      throw e;
    }
  };
  assert.equal(leastWorkingLength(works), 269);
  assert.ok(works(269) && !works(268));
});

test('concrete lengths that are too short throw WindowTooLargeError from the layer that runs out', () => {
  const stack = notebookStack();
  let x = Input({ shape: [null, 3] });
  for (const layer of stack) x = layer.apply(x);
  // 200 → 196 → 39 → 35 → 31 → 6 → 2, and the last Conv1D needs 5.
  assert.throws(
    () => shapesThrough(stack, 200),
    (e: unknown) => {
      assert.ok(e instanceof WindowTooLargeError);
      assert.equal(e.layerName, 'last_conv');
      assert.equal(e.className, 'Conv1D');
      assert.equal(e.axis, 1);
      assert.equal(e.inputLength, 2);
      assert.equal(e.window, 5);
      assert.equal(e.minLength, 5);
      assert.match(
        e.message,
        /Conv1D layer 'last_conv' cannot fit its window of 5 on the steps axis of an input of length 2/,
      );
      return true;
    },
  );
});

test('per-layer inverses: the least input length for a wanted output length', () => {
  const inv = (layer: Layer, m: number, axis = 1): number => {
    assert.ok(hasLengthInverse(layer));
    return layer.minInputLength(m, axis);
  };
  assert.equal(inv(new layers.Conv1D(1, 5), 1), 5);
  assert.equal(inv(new layers.Conv1D(1, 3, { strides: 2 }), 4), 9);
  assert.equal(inv(new layers.Conv1D(1, 3, { dilationRate: 2 }), 2), 6);
  assert.equal(inv(new layers.Conv1D(1, 5, { padding: 'same', strides: 2 }), 3), 5);
  assert.equal(inv(new layers.Conv1D(1, 5, { padding: 'causal' }), 3), 3);
  assert.equal(inv(new layers.MaxPooling1D(5), 1), 5);
  assert.equal(inv(new layers.MaxPooling1D(5), 3), 15);
  assert.equal(inv(new layers.AveragePooling1D(3, { strides: 1 }), 3), 5);
  assert.equal(inv(new layers.Conv2D(1, [3, 5]), 2, 1), 4);
  assert.equal(inv(new layers.Conv2D(1, [3, 5]), 2, 2), 6);
  assert.equal(inv(new layers.SeparableConv1D(1, 4), 1), 4);
  assert.equal(inv(new layers.DepthwiseConv2D(3), 1, 2), 3);
  assert.equal(inv(new layers.Conv2DTranspose(1, 3, { strides: 2 }), 11, 1), 5);
  assert.equal(inv(new layers.Conv2DTranspose(1, 3, { strides: 2 }), 12, 1), 6);
  assert.equal(inv(new layers.GlobalMaxPooling1D(), 7), 1);
  assert.equal(inv(new layers.Cropping1D([2, 1]), 1), 4);
  assert.equal(inv(new layers.ZeroPadding1D(2), 6), 2);
  assert.equal(inv(new layers.ZeroPadding1D(2), 3), 1);
  assert.equal(inv(new layers.UpSampling1D(3), 7), 3);
  // Layers without an inverse keep the length.
  assert.equal(hasLengthInverse(new layers.Dense(3)), false);
  assert.equal(minInputLengthThrough([new layers.Dense(3), new layers.Conv1D(1, 4)]), 4);
  assert.equal(
    leastWorkingLength(() => false, 64),
    null,
  );
});
