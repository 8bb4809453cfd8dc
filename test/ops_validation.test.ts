// Every op refuses arguments it cannot honour with an error naming the op, the argument and what
// was expected. Before these checks, a repeated perm axis read values from outside the input, an
// out-of-range row index gave NaN rows, a dropout rate of 1.5 gave zeros, and a kernel whose input
// channels did not match the input gave a result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { type Tensor, ops, tensor, zeros } from '../src/index.js';
import type { UnaryOp } from '../src/backend/backend.js';

const x23 = (): Tensor =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
const bad = <T>(v: unknown): T => v as T;

test('transpose takes a permutation of the axes, nothing else', () => {
  assert.throws(
    () => ops.transpose(x23(), [0, 0]),
    /transpose: perm must list each axis 0\.\.1 exactly once \(a permutation\), got \[0, 0\]/,
  );
  assert.throws(() => ops.transpose(x23(), [0]), /transpose: perm must list each axis/);
  assert.throws(() => ops.transpose(x23(), [0, 2]), /transpose: perm must list each axis/);
  assert.throws(() => ops.transpose(x23(), [0.5, 1]), /transpose: perm must list each axis/);
  assert.deepEqual(ops.transpose(x23(), [1, 0]).arraySync(), [
    [1, 4],
    [2, 5],
    [3, 6],
  ]);
});

test('axes must be integers in range and not repeated', () => {
  assert.throws(() => ops.sum(x23(), [1, 1]), /sum: axis \[1, 1\] names an axis more than once/);
  assert.throws(() => ops.sum(x23(), [1, -1]), /names an axis more than once/);
  assert.throws(() => ops.mean(x23(), 2), /mean: axis must be an integer in \[-2, 1\] for a tensor of rank 2, got 2/);
  assert.throws(() => ops.max(x23(), 0.5), /max: axis must be an integer/);
  assert.throws(() => ops.softmax(x23(), bad('1')), /softmax: axis must be an integer .* got "1"/);
  assert.throws(() => ops.concat([x23(), x23()], 3), /concat: axis must be an integer/);
  assert.throws(() => ops.expandDims(x23(), 4), /expandDims: axis must be an integer in \[-3, 2\]/);
  assert.throws(() => ops.max(zeros([2, 0]), 1), /max: axis 1 of shape \(2, 0\) is empty/);
  assert.throws(() => ops.argMax(zeros([0]), 0), /argMax: axis 0 of shape \(0,\) is empty/);
  assert.deepEqual(ops.sum(x23(), [-1, 0]).arraySync(), 21);
});

test('row indices and ranges must fall inside the tensor', () => {
  assert.throws(() => ops.takeRows(x23(), [0, 5]), /takeRows: indices\[1\] is 5, out of range for 2 rows/);
  assert.throws(() => ops.takeRows(x23(), Int32Array.of(-1)), /takeRows: indices\[0\] is -1/);
  assert.throws(() => ops.takeRows(x23(), [0.5]), /takeRows: indices\[0\] is 0.5/);
  assert.throws(() => ops.rowRange(x23(), 1, 3), /rowRange: end must be an integer in \[1, 2\], got 3/);
  assert.throws(() => ops.sliceAxis(x23(), 1, 2, 2), /sliceAxis: size must be an integer in \[0, 1\], got 2/);
  assert.throws(() => ops.sliceAxis(x23(), 1, -1, 1), /sliceAxis: begin must be an integer in \[0, 3\], got -1/);
  const table = tensor([
    [1, 2],
    [3, 4],
  ]);
  const idx = tensor(Int32Array.of(0, 2), [2]);
  assert.throws(() => ops.gather(table, idx), /gather: indices\[1\] is 2, out of range for 2 rows/);
  assert.throws(() => ops.embeddingLookup(table, idx), /embeddingLookup: indices\[1\] is 2/);
  assert.deepEqual(ops.takeRows(x23(), [1, 1]).arraySync(), [
    [4, 5, 6],
    [4, 5, 6],
  ]);
});

test('dropout rates lie in [0, 1) and noise shapes broadcast to the input', () => {
  for (const rate of [1.5, 1, -0.1, Number.NaN, bad<number>('0.5')]) {
    assert.throws(() => ops.dropout(x23(), rate), /dropout: rate must be a number in \[0, 1\)/);
  }
  assert.throws(
    () => ops.dropout(x23(), 0.5, [2, 2]),
    /dropout: noiseShape \(2, 2\) must broadcast to the input's \(2, 3\)/,
  );
  assert.throws(() => ops.dropout(x23(), 0.5, [2, -1]), /dropout: noiseShape: shape \[2, -1\] has -1 at axis 1/);
  const x = x23();
  assert.equal(ops.dropout(x, 0), x);
  // One draw per row: each row is dropped whole or kept and scaled by 1 / (1 − rate).
  const y = ops.dropout(x, 0.5, [2, 1]).arraySync() as number[][];
  const rows = x.arraySync() as number[][];
  y.forEach((row, i) => {
    assert.ok(row.every((v) => v === 0) || row.every((v, j) => v === 2 * rows[i][j]), `row ${i}: ${row}`);
  });
});

test("a convolution kernel's input channels must fit the input", () => {
  const x = zeros([1, 5, 5, 3]);
  assert.throws(
    () => ops.conv2d(x, zeros([3, 3, 4, 8]), null),
    /conv2d: kernel \(3, 3, 4, 8\) expects 4 input channels, but the input \(1, 5, 5, 3\) has 3/,
  );
  assert.throws(
    () => ops.conv2d(x, zeros([3, 3, 3, 8]), null, { groups: 3 }),
    /conv2d: kernel \(3, 3, 3, 8\) expects 3 input channels per group × 3 groups/,
  );
  assert.throws(
    () => ops.conv1d(zeros([1, 5, 3]), zeros([3, 2, 4]), null),
    /conv1d: kernel \(3, 2, 4\) expects 2 input channels, but the input \(1, 5, 3\) has 3/,
  );
  assert.throws(
    () => ops.depthwiseConv2d(x, zeros([3, 3, 2, 1])),
    /depthwiseConv2d: kernel \(3, 3, 2, 1\) expects 2 input channels/,
  );
  assert.throws(
    () => ops.conv2d(x, zeros([3, 3, 3, 8]), zeros([4])),
    /conv2d: bias must have shape \(8,\), got \(4,\)/,
  );
  assert.throws(
    () => ops.conv2d(x, zeros([3, 3, 3, 8]), null, { strides: [0, 1] }),
    /conv2d: strides\[0\] must be an integer in \[1, 2147483647\], got 0/,
  );
  assert.throws(
    () => ops.conv2d(x, zeros([3, 3, 3, 8]), null, bad({ padding: 'full' })),
    /conv2d: padding must be one of 'valid', 'same', got "full"/,
  );
  assert.throws(
    () => ops.conv2d(x, zeros([3, 3, 3, 8]), null, bad({ activation: 'gelu' })),
    /conv2d: activation must be one of/,
  );
  assert.throws(
    () => ops.maxPool2d(x, { poolSize: [2, 2], strides: [1.5, 1], padding: 'valid' }),
    /maxPool2d: strides\[0\] must be an integer in \[1, 2147483647\], got 1.5/,
  );
  assert.throws(
    () => ops.conv2dTranspose(x, zeros([3, 3, 2, 4]), null),
    /conv2dTranspose: kernel \(3, 3, 2, 4\) expects 4 input channels/,
  );
  assert.deepEqual(ops.conv2d(x, zeros([3, 3, 3, 8]), null).shape, [1, 3, 3, 8]);
});

test('matmul operands, biases and batch dimensions must agree', () => {
  const a = zeros([2, 3]);
  assert.throws(
    () => ops.matMul(a, zeros([3, 4]), { bias: zeros([3]) }),
    /matMul: bias must have shape \(4,\), got \(3,\)/,
  );
  assert.throws(
    () => ops.matMul(a, zeros([3, 4]), bad({ activation: 'softmax' })),
    /matMul: activation must be one of 'linear', 'relu', 'sigmoid', 'tanh', got "softmax"/,
  );
  assert.throws(
    () => ops.batchMatMul(zeros([2, 3, 2, 2]), zeros([3, 2, 2, 2])),
    /batchMatMul: .* must have the same leading dimensions/,
  );
  assert.throws(
    () => ops.dense(zeros([2, 5]), zeros([3, 4]), null),
    /dense: kernel \(3, 4\) needs inputs with 3 features/,
  );
});

test('shapes, names and operands are checked before any kernel runs', () => {
  assert.throws(() => ops.reshape(x23(), [-1, -1]), /reshape: shape \[-1, -1\] may hold at most one -1/);
  assert.throws(() => ops.broadcastTo(x23(), [3, 3]), /broadcastTo: shape \(2, 3\) does not broadcast to \(3, 3\)/);
  assert.throws(() => ops.broadcastTo(x23(), [3]), /broadcastTo: shape \(2, 3\) does not broadcast to \(3,\)/);
  assert.throws(() => ops.unary(bad<UnaryOp>('cube'), x23()), /unary: op must be one of .* got "cube"/);
  assert.throws(() => ops.add(x23(), bad('1')), /add: b \(a tensor or a number\) must be a Tensor, got "1"/);
  assert.throws(() => ops.add(x23(), tensor([1, 2])), /add: Shapes \(2, 3\) and \(2,\) cannot be broadcast/);
  assert.throws(() => ops.clip(x23(), 2, 1), /clip: lo \(2\) must not exceed hi \(1\)/);
  assert.throws(
    () => ops.cast(x23(), bad('float64')),
    /cast: dtype must be 'float32', 'int32' or 'bool', got "float64"/,
  );
  assert.throws(() => ops.concat([]), /concat: needs at least one tensor/);
  assert.throws(() => ops.stack([x23(), zeros([3, 2])]), /stack: every tensor must have the same shape/);
  assert.throws(() => ops.pad(x23(), bad([[1, 1], [1]])), /pad: paddings\[1\] must be a \[before, after\] pair/);
  assert.throws(
    () =>
      ops.valueAndGrads(
        bad(() => 1),
        [],
      ),
    /valueAndGrads: f must return a tensor/,
  );
  assert.deepEqual(ops.repeatAlong(x23(), 1, 0).shape, [2, 0]);
});

test('recurrent ops need at least one unit and known activations', () => {
  const x = zeros([2, 3, 4]);
  assert.throws(
    () => ops.lstm(x, zeros([4, 0]), zeros([0, 0]), null, null),
    /LSTM: recurrent kernel must be \(units, 4·units\) with units ≥ 1, got \(0, 0\)/,
  );
  assert.throws(
    () => ops.gru(x, zeros([4, 6]), zeros([2, 6]), null, null, bad({ activation: 'softmax' })),
    /GRU: activation must be one of 'tanh', 'sigmoid', 'hard_sigmoid', 'relu', 'linear', got "softmax"/,
  );
  assert.throws(
    () => ops.simpleRnn(x, zeros([4, 2]), zeros([2, 2]), null, zeros([2])),
    /SimpleRNN: mask must have rank 2, got shape \(2,\)/,
  );
  assert.deepEqual(ops.simpleRnn(x, zeros([4, 2]), zeros([2, 2]), null, null).output.shape, [2, 2]);
});

test('huge repeat and pad counts end in an empty result or a clear error, in a child that must not crash', () => {
  // A part list of length × 2^31 once took V8 down with a fatal "invalid size" error.
  const code = `
    import { ops, zeros, tensor } from './src/index.ts';
    console.log(ops.repeatAlong(zeros([0, 3]), 1, 2 ** 31).shape.join('x'));
    try { ops.padAxis(tensor([1, 2, 3]), 0, 2 ** 32, 0); } catch (e) { console.log(e.message); }`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: 30_000,
    killSignal: 'SIGKILL',
  });
  assert.match(out, /^0x6442450944\n/);
  assert.match(out, /padAxis: the result: shape \(4294967299,\) has 4294967299 elements; a tensor holds at most 2\^32/);
});
