// Child-process entry for the tfjs peers (see child.ts): runs the requested items on the tfjs
// backend named in options.backend and reports each result as a line on stdout.
import { emit, readRequest } from './child.js';
import { DataCache, type Runner, runItem } from './items.js';
import { shortReason } from './measure.js';
import { tfjsPredict, tfjsTraining, useTfjs } from './tfjs_peer.js';

const req = await readRequest();
const backend = req.options.backend === 'wasm' ? 'wasm' : 'cpu';
const data = new DataCache();
try {
  const tf = await useTfjs(backend);
  emit({ event: 'ready', version: tf.version.tfjs });
  const runner: Runner = {
    label: `tfjs ${backend}`,
    train: async (spec, d) => tfjsTraining(tf, spec, d),
    predict: async (spec, d, batch) => tfjsPredict(tf, spec, d, batch),
  };
  for (const item of req.items) {
    emit({ event: 'start', id: item.id });
    const onProbe = (ms: number, samples: number): void => emit({ event: 'probe', id: item.id, ms, samples });
    emit({ event: 'result', id: item.id, outcome: await runItem(runner, item, req.protocol, data, onProbe) });
  }
  emit({ event: 'done', rssMB: process.resourceUsage().maxRSS / 1024, version: tf.version.tfjs });
} catch (e) {
  // The backend itself failed to start: every item fails with that reason.
  for (const item of req.items)
    emit({ event: 'result', id: item.id, outcome: { status: 'failed', reason: shortReason(e) } });
  emit({ event: 'done', rssMB: process.resourceUsage().maxRSS / 1024, version: '?' });
}
