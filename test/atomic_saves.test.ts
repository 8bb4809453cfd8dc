import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Input, Model, layers, loadModel } from '../src/index.js';
import { writeBytes } from '../src/node/files.js';

const CHILD = join(import.meta.dirname, 'helpers', 'save_child.ts');
/** A fresh folder, removed when the tests end. */
const folders: string[] = [];
const scratch = (prefix: string): string => {
  folders.push(mkdtempSync(join(tmpdir(), prefix)));
  return folders[folders.length - 1];
};
after(() => {
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

/** Resolves with each line the child prints until `until` says stop; rejects if the child ends first. */
function lines(child: ChildProcess, until: (line: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      if (parts.some(until)) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`the saving child ended early (${code ?? signal})`)));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const MODES = ['save', 'checkpoint', 'write'] as const;

/**
 * One saving child (see save_child.ts) killed at a random moment after its first save; then the
 * files it was writing must load. Returns the save number each file holds.
 */
async function killAndLoad(folder: string, mode: (typeof MODES)[number]): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, folder], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    await lines(child, (l) => l.startsWith('saved '));
    await sleep(Math.random() * 600);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  const model = await loadModel(join(folder, 'model.keras'), { compile: false });
  const held = [model.weights[0].value.values[0]];
  if (existsSync(join(folder, 'model.weights.h5'))) {
    await model.loadWeights(join(folder, 'model.weights.h5'));
    held.push(model.weights[0].value.values[0]);
  }
  return held;
}

test('saves killed at random moments leave the previous file or the new one, never a part: 12 SIGKILLs', async () => {
  const kills = [0, 1].map(() => scratch('dendrite-kill-'));
  const seen: string[] = [];
  // Two children at a time, each mode four times: model.save and saveWeights, ModelCheckpoint
  // during fit, and the file writer alone (where nearly all the time goes into writing).
  for (let round = 0; round < 6; round++) {
    const modes = kills.map((_, f) => MODES[(2 * round + f) % MODES.length]);
    const held = await Promise.all(kills.map((folder, f) => killAndLoad(folder, modes[f])));
    held.forEach((saves, f) => {
      for (const n of saves) assert.ok(Number.isInteger(n) && n >= 1, `${modes[f]}: a file holds save ${n}`);
      seen.push(`${modes[f]} ${saves.join('/')}`);
    });
  }
  console.log(`  after each kill the files held saves: ${seen.join(', ')}`);
  // A kill leaves at most its temporary file beside the targets, never another name.
  for (const folder of kills) {
    for (const name of readdirSync(folder)) {
      assert.match(name, /^(model\.keras|model\.weights\.h5|\.model\.(keras|weights\.h5)\.\d+\.[0-9a-f]{12}\.tmp)$/);
    }
  }
});

test('a failed write leaves the previous file as it was, and no temporary file', async () => {
  const folder = scratch('dendrite-write-');
  const path = join(folder, 'model.weights.h5');
  writeFileSync(path, 'previous');
  // A typed array whose bytes cannot be read: the write fails after the temporary file exists.
  const unreadable = new Uint8Array(new ArrayBuffer(8));
  Object.defineProperty(unreadable, 'buffer', {
    get() {
      throw new Error('no bytes today');
    },
  });
  await assert.rejects(writeBytes(path, unreadable), /Cannot write '.*model\.weights\.h5'/);
  assert.equal(readFileSync(path, 'utf8'), 'previous');
  assert.deepEqual(readdirSync(folder), ['model.weights.h5']);
  await assert.rejects(
    writeBytes(join(folder, 'no-such-folder', 'x.keras'), new Uint8Array(1)),
    /Cannot write '.*x\.keras'/,
  );
  // And a save through the API replaces the file whole.
  const input = Input({ shape: [3] });
  const model = new Model(input, new layers.Dense(2).apply(input));
  await model.saveWeights(path);
  assert.notEqual(readFileSync(path, 'utf8'), 'previous');
  assert.deepEqual(readdirSync(folder), ['model.weights.h5']);
});
