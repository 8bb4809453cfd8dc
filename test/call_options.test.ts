import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import {
  type CallContext,
  CallOptionsLayer,
  Input,
  type KerasTensor,
  Model,
  type Tensor,
  loadModel,
  ops,
  registerSerializable,
  tensor,
} from '../src/index.js';

interface ShiftArgs<T> {
  /** Added to every input. */
  by?: number;
  /** A tensor added as well. */
  plus?: T | null;
}

/** A user layer with call options of its own, typed for apply and kept in saved files. */
class Shift extends CallOptionsLayer<ShiftArgs<KerasTensor>, ShiftArgs<Tensor>> {
  static override readonly className = 'Shift';
  static override readonly callOptions = ['by', 'plus'];
  call(x: Tensor, ctx: CallContext): Tensor {
    const by = typeof ctx.options?.by === 'number' ? ctx.options.by : 0;
    const shifted = ops.add(x, by);
    const plus = ctx.options?.plus;
    return plus ? ops.add(shifted, plus as Tensor) : shifted;
  }
}
registerSerializable(Shift, { package: 'tests' });

test("a custom layer's call options: typed in apply, replayed by the graph, saved as kwargs and loaded", async () => {
  const x = Input({ shape: [3], name: 'x' });
  const extra = Input({ shape: [3], name: 'extra' });
  const model = new Model([x, extra], new Shift().apply(x, { by: 2, plus: extra }));
  const data = [tensor([[1, 2, 3]]), tensor([[10, 20, 30]])];
  assert.deepEqual(Array.from((model.predict(data) as Tensor).values), [13, 24, 35]);
  assert.deepEqual(Array.from(new Shift().apply(data[0], { by: 1 }).values), [2, 3, 4]);

  const path = join(mkdtempSync(join(tmpdir(), 'dendrite-call-options-')), 'shift.keras');
  await model.save(path);
  const config = JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(path)))['config.json'])) as {
    config: { layers: { class_name: string; inbound_nodes: { kwargs: Record<string, unknown> }[] }[] };
  };
  const kwargs = config.config.layers.find((l) => l.class_name === 'Shift')!.inbound_nodes[0].kwargs;
  assert.equal(kwargs.by, 2);
  assert.deepEqual((kwargs.plus as { config: { keras_history: unknown } }).config.keras_history, ['extra', 0, 0]);
  const again = await loadModel(path);
  assert.deepEqual(Array.from((again.predict(data) as Tensor).values), [13, 24, 35]);
  assert.throws(() => new Shift().apply(x, { times: 2 } as never), /apply got an unexpected option 'times'/);
});
