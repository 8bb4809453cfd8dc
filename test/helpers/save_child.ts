// Saves a model over and over to the same files until it is killed, for the atomic-save test.
// Each save sets the first weight to the save's number, so a file that loads tells which save
// wrote it. Prints "ready" once the model is built, then "saved <n>" after each save.
//   node --import tsx test/helpers/save_child.ts <save|checkpoint|write> <folder>
// save: model.save to model.keras, then model.saveWeights to model.weights.h5.
// checkpoint: fit with a ModelCheckpoint writing model.keras after every batch.
// write: the bytes of two saved models written in turn to model.keras, with the writer every save
// uses: the time goes into writing, where a kill that is not atomic would leave a part of a file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Input, LambdaCallback, Model, ModelCheckpoint, layers, random } from '../../src/index.js';
import { writeBytes } from '../../src/node/files.js';

const [mode, folder] = process.argv.slice(2);
const keras = join(folder, 'model.keras');
// About 6 MB of weights, so that a save takes a while.
const input = Input({ shape: [512] });
const model = new Model(input, new layers.Dense(1024).apply(new layers.Dense(1024).apply(input)));
const mark = (n: number): void => {
  (model.weights[0].value.values as Float32Array)[0] = n;
};
process.stdout.write('ready\n');

if (mode === 'save') {
  for (let n = 1; ; n++) {
    mark(n);
    await model.save(keras);
    await model.saveWeights(join(folder, 'model.weights.h5'));
    process.stdout.write(`saved ${n}\n`);
  }
} else if (mode === 'checkpoint') {
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = random.uniform([4096, 512]);
  const y = random.uniform([4096, 1024]);
  let n = 0;
  // Callbacks run in order: the mark after each step, then the checkpoint writes it.
  const callbacks = [
    new LambdaCallback({ onBatchEnd: () => mark(++n) }),
    new ModelCheckpoint(keras, { saveFreq: 1 }),
    new LambdaCallback({ onBatchEnd: () => void process.stdout.write(`saved ${n}\n`) }),
  ];
  for (;;) await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, callbacks });
} else {
  const versions: Uint8Array[] = [];
  for (const n of [1, 2]) {
    mark(n);
    await model.save(keras);
    versions.push(new Uint8Array(readFileSync(keras)));
  }
  for (let n = 1; ; n++) {
    await writeBytes(keras, versions[n % 2]);
    process.stdout.write(`saved ${n}\n`);
  }
}
