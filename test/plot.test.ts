import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Input, Model, Sequential, layers, loadModel, plotModel } from '../src/index.js';
import { FIXTURES } from './helpers/fixtures.js';

const count = (svg: string, re: RegExp): number => (svg.match(re) ?? []).length;

test('plotModel draws one box per layer and one edge per connection, with shapes when asked, and writes the file', async () => {
  const qa = await loadModel(join(FIXTURES, 'qa', 'model.keras'));
  const path = join(mkdtempSync(join(tmpdir(), 'dendrite-plot-')), 'qa.svg');
  const svg = await plotModel(qa, { toFile: path, showShapes: true });
  assert.equal(readFileSync(path, 'utf8'), svg);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
  assert.equal(count(svg, /<g class="layer"/g), qa.layers.length);
  // text → embedding → lstm, question → embedding_1 → lstm_1, both lstms → concatenate → dense.
  assert.equal(count(svg, /<path class="edge"/g), 7);
  for (const l of qa.layers) assert.ok(svg.includes(`${l.name} (${l.className})`), l.name);
  assert.ok(svg.includes('input: (None, 20)') && svg.includes('output: (None, 20, 16)'), 'shapes of the embedding');
  assert.equal(count(svg, /<g /g), count(svg, /<\/g>/g));
  const bare = await plotModel(qa, { showLayerNames: false, rankdir: 'LR' });
  assert.ok(!bare.includes('output:') && bare.includes('>Embedding<'));
});

test('plotModel: a shared layer is one box with an edge from each call; an edge that skips ranks passes between boxes', async () => {
  const siamese = await loadModel(join(FIXTURES, 'siamese', 'model.keras'));
  const svg = await plotModel(siamese);
  const lstm = siamese.layers.find((l) => l.className === 'LSTM')!;
  assert.equal(count(svg, new RegExp(`id="${lstm.name}"`, 'g')), 1);
  assert.equal(count(svg, /<path class="edge"/g), 4); // left → lstm, right → lstm, lstm → concatenate, concatenate → dense

  // x → a → b → add, and x → add directly: the direct edge crosses the ranks of a and b.
  const x = Input({ shape: [4] });
  const b = new layers.Dense(4).apply(new layers.Dense(4).apply(x));
  const svg2 = await plotModel(new Model(x, layers.add([x, b])));
  const edges = svg2.match(/<path class="edge" d="[^"]*"/g) ?? [];
  assert.equal(edges.length, 4);
  // The skipping edge runs straight ('L') through each rank it crosses, beside the boxes there.
  const through = edges.filter((e) => e.includes(' L '));
  assert.equal(through.length, 1);
  const rects = [...svg2.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)].map((m) =>
    m.slice(1).map(Number),
  );
  const straight = [...through[0].matchAll(/ L ([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  for (const [px, py] of straight) {
    for (const [rx, ry, rw, rh] of rects)
      assert.ok(!(px > rx && px < rx + rw && py > ry && py < ry + rh), `edge point (${px}, ${py}) inside a box`);
  }
});

test('plotModel: a layer applied to its own output is drawn (one box, the edge back up); an unbuilt model says why it cannot be', async () => {
  const x = Input({ shape: [4] });
  const d = new layers.Dense(4, { name: 'twice' });
  const svg = await plotModel(new Model(x, d.apply(d.apply(x))));
  assert.equal(count(svg, /id="twice"/g), 1);
  assert.equal(count(svg, /<path class="edge"/g), 2);
  assert.ok(!svg.includes('Infinity') && !svg.includes('NaN'));
  await assert.rejects(plotModel(new Sequential()), /has not been built yet/);
  const named = Input({ shape: [2], name: 'a<b>&"c"' });
  assert.ok(
    (await plotModel(new Model(named, new layers.Dense(1).apply(named)))).includes('a&lt;b&gt;&amp;&quot;c&quot;'),
  );
});

test('plotModel writes a real PNG for a .png file, at the size of the SVG; other extensions are refused up front', async () => {
  const qa = await loadModel(join(FIXTURES, 'qa', 'model.keras'));
  const folder = mkdtempSync(join(tmpdir(), 'dendrite-plot-'));
  const path = join(folder, 'qa.png');
  const svg = await plotModel(qa, { toFile: path, showShapes: true });
  const png = readFileSync(path);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  const [, width, height] = /^<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [width, height]);
  // Drawn, labels included: a blank picture of this size compresses to 2 kB, boxes alone to little more.
  assert.ok(png.length > 20000, `a PNG of ${png.length} bytes`);

  await assert.rejects(
    plotModel(qa, { toFile: join(folder, 'qa.jpg') }),
    /plotModel: cannot write '.*qa\.jpg': \.jpg is not a format plotModel writes; name an \.svg or a \.png file\./,
  );
  await assert.rejects(
    plotModel(qa, { toFile: join(folder, 'qa') }),
    /the name has no extension; name an \.svg or a \.png file/,
  );
  const untyped = { toFile: 42 } as unknown as { toFile: string };
  await assert.rejects(plotModel(qa, untyped), /toFile must be a file path ending in \.svg or \.png, got number 42/);
  assert.ok(!existsSync(join(folder, 'qa.jpg')));
});
