import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import {
  Input,
  Layer,
  type LayerArgs,
  Model,
  type SymbolicShape,
  type Tensor,
  type Variable,
  layers,
  loadModel,
  ops,
  registerSerializable,
} from '../src/index.js';
import { FIXTURES } from './helpers/fixtures.js';
import { checkParity } from './helpers/parity.js';

/** The fixture's custom layer (custom_layer/custom_layer.py.txt), written as a TypeScript user would. */
class Scale extends Layer {
  static override readonly className = 'Scale';
  readonly offset: number;
  scale: Variable | undefined;

  constructor({ offset = 0, ...rest }: { offset?: number } & LayerArgs = {}) {
    super(rest);
    this.offset = offset;
  }

  // A one-input layer's build gets one shape: no narrowing by hand.
  override build(inputShape: SymbolicShape): void {
    const last = inputShape.at(-1) ?? 1;
    this.scale = this.addWeight({ name: 'scale', shape: [last], initializer: 'ones' });
    this.built = true;
  }

  call(x: Tensor): Tensor {
    return ops.add(ops.mul(x, this.scale!.value), this.offset);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), offset: this.offset };
  }
}

const fixture = join(FIXTURES, 'custom_layer', 'model.keras');
const dir = mkdtempSync(join(tmpdir(), 'dendrite-custom-'));

test('a custom layer loads only when its class is known, and the error says how to make it known', async () => {
  await assert.rejects(
    loadModel(fixture),
    /Unknown layer class 'Scale' \(registered as 'my_package>Scale'\)\. Register a custom class/,
  );
});

test('loadModel takes customObjects for one load, by class or registered name, without registering', async () => {
  // Another class under the same Keras name, as a second module's copy of the layer would be.
  class Scale2 extends Scale {
    static override readonly className = 'Scale';
  }
  const byClass = await loadModel(fixture, { customObjects: { Scale: Scale2 } });
  assert.ok(byClass.getLayer('scale') instanceof Scale2);
  const byRegistered = await loadModel(fixture, { customObjects: { 'my_package>Scale': Scale2 } });
  assert.ok(byRegistered.getLayer('scale') instanceof Scale2);
  await assert.rejects(
    loadModel(fixture, { customObjects: 5 as never }),
    /customObjects must be a record of layer classes/,
  );
});

test("Keras's file with a registered custom layer loads and matches Keras: predictions, loss, gradients, one step", async () => {
  registerSerializable(Scale, { package: 'my_package' });
  const model = await loadModel(fixture);
  const scale = model.getLayer('scale');
  assert.ok(scale instanceof Scale);
  assert.equal(scale.offset, 0.5);
  await checkParity('custom_layer', model);
});

test('a registered custom layer saves as Keras writes it, and reloads identical', async () => {
  registerSerializable(Scale, { package: 'my_package' });
  const x = Input({ shape: [5] });
  const model = new Model(
    x,
    new layers.Dense(2).apply(new Scale({ offset: 0.25 }).apply(new layers.Dense(5).apply(x))),
  );
  const path = join(dir, 'custom.keras');
  await model.save(path);
  const config = JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(path)))['config.json'])) as {
    config: { layers: Record<string, unknown>[] };
  };
  const entry = config.config.layers.find((l) => l.class_name === 'Scale')!;
  assert.equal(entry.module, null);
  assert.equal(entry.registered_name, 'my_package>Scale');
  assert.equal((entry.config as Record<string, unknown>).offset, 0.25);
  const again = await loadModel(path);
  assert.deepEqual(
    again.getWeights().map((w) => w.arraySync()),
    model.getWeights().map((w) => w.arraySync()),
  );
});

test('getConfig and fromConfig round-trip a custom layer; registering a non-layer is refused', () => {
  const layer = new Scale({ offset: 2, name: 'scaled' });
  const copy = Scale.fromConfig(layer.getConfig());
  assert.ok(copy instanceof Scale);
  assert.equal(copy.offset, 2);
  assert.equal(copy.name, 'scaled');
  assert.throws(() => registerSerializable((() => 1) as never), /registerSerializable expects a Layer subclass/);
});
