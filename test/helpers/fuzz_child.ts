// Runs one group of fuzz properties and prints one JSON line per property; a crash or a hang
// ends the process, which the parent (test/fuzz_ops.test.ts) reports with the seed to replay.
//   node --import tsx test/helpers/fuzz_child.ts <ops|kernels> <seed> <runs>
// For the kernels group, DENDRITE_NATIVE_PATH may point at another build, e.g. one compiled with
// -fsanitize=address and run with LD_PRELOAD=$(gcc -print-file-name=libasan.so), which also
// catches out-of-bounds reads.
import fc from 'fast-check';
import '../../src/ops/index.js';
import { initBackend, loadNativeAddon } from '../../src/backend/native/loader.js';
import { checkKernelCall, kernelCall } from './fuzz_kernels.js';
import { properties } from './fuzz_judge.js';
import './fuzz_properties.js';
import './fuzz_properties_nn.js';

const [group, seedArg, runsArg] = process.argv.slice(2);
const seed = Number(seedArg);
const numRuns = Number(runsArg);

function report(name: string, run: () => void): void {
  process.stdout.write(`${JSON.stringify({ name, started: true })}\n`);
  try {
    run();
    process.stdout.write(`${JSON.stringify({ name, ok: true })}\n`);
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ name, ok: false, error: e instanceof Error ? e.message : String(e) })}\n`);
  }
}

if (group === 'ops') {
  initBackend();
  for (const [name, property] of Object.entries(properties)) {
    report(name, () => fc.assert(property, { seed, numRuns, endOnFailure: true, includeErrorInReport: true }));
  }
} else if (group === 'kernels') {
  const { addon } = loadNativeAddon();
  if (!addon) throw new Error('the native addon is not built');
  report('native kernels: a TypeError naming the kernel, or no write outside the buffers', () =>
    fc.assert(
      fc.property(kernelCall, (call) => {
        const { problem } = checkKernelCall(addon, call);
        if (problem) throw new Error(`${call.kernel}: ${problem}`);
      }),
      { seed, numRuns, endOnFailure: true, includeErrorInReport: true },
    ),
  );
} else {
  throw new Error(`unknown fuzz group '${group}'`);
}
