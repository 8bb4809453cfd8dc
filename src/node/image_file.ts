/**
 * The bytes `plotModel` writes for a file name: the SVG itself for `.svg`, a PNG rendered from it
 * for `.png` (by resvg, compiled to WebAssembly and loaded only when a PNG is asked for). Labels
 * need a font file, which WebAssembly cannot find on its own: a common sans-serif one is read
 * from the system's font folders. Node.js only; the browser build has its own.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describeValue } from '../layers/options.js';
import { packageRoot } from '../backend/native/loader.js';

const FORMATS = ['.svg', '.png'];

/** Refuses a file name plotModel cannot write, before any drawing. */
export function checkImagePath(path: unknown): asserts path is string {
  if (typeof path !== 'string' || path.length === 0)
    throw new TypeError(`plotModel: toFile must be a file path ending in .svg or .png, got ${describeValue(path)}.`);
  if (!FORMATS.some((ext) => path.toLowerCase().endsWith(ext))) {
    const ext = /\.[^./\\]*$/.exec(path)?.[0];
    throw new Error(
      `plotModel: cannot write '${path}': ${ext ? `${ext} is not a format plotModel writes` : 'the name has no extension'}; name an .svg or a .png file.`,
    );
  }
}

/** Sans-serif fonts found on Linux, macOS and Windows: the family, then its regular and bold files. */
const FONTS: readonly (readonly [string, string, string])[] = [
  [
    'DejaVu Sans',
    '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
    '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  ],
  ['DejaVu Sans', '/usr/share/fonts/TTF/DejaVuSans.ttf', '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf'],
  [
    'DejaVu Sans',
    '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
    '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf',
  ],
  [
    'Liberation Sans',
    '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
    '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
  ],
  ['Arial', '/System/Library/Fonts/Supplemental/Arial.ttf', '/System/Library/Fonts/Supplemental/Arial Bold.ttf'],
  ['Arial', '/Library/Fonts/Arial.ttf', '/Library/Fonts/Arial Bold.ttf'],
  ['Arial', 'C:\\Windows\\Fonts\\arial.ttf', 'C:\\Windows\\Fonts\\arialbd.ttf'],
];

function systemFont(): { family: string; buffers: Uint8Array[] } {
  for (const [family, regular, bold] of FONTS) {
    if (!existsSync(regular)) continue;
    const files = existsSync(bold) ? [regular, bold] : [regular];
    return { family, buffers: files.map((f) => new Uint8Array(readFileSync(f))) };
  }
  throw new Error(
    `plotModel: a PNG needs a font for its labels, and none was found (looked for ` +
      `${[...new Set(FONTS.map((f) => f[0]))].join(', ')} in the system's font folders). Install one (on Debian: ` +
      `apt-get install fonts-dejavu-core), or write an .svg file.`,
  );
}

type Resvg = typeof import('@resvg/resvg-wasm');
let resvg: Promise<Resvg> | null = null;

/** Loads resvg and its WebAssembly once, on the first PNG. */
function loadResvg(): Promise<Resvg> {
  resvg ??= (async () => {
    const mod = await import('@resvg/resvg-wasm');
    const from = createRequire(join(packageRoot() ?? process.cwd(), 'package.json'));
    await mod.initWasm(await readFile(from.resolve('@resvg/resvg-wasm/index_bg.wasm')));
    return mod;
  })();
  // A failed load may be retried (a missing package installed meanwhile).
  resvg.catch(() => {
    resvg = null;
  });
  return resvg;
}

/** A PNG of the SVG at its own size, on white. */
async function renderPng(svg: string): Promise<Uint8Array> {
  const font = systemFont();
  const { Resvg } = await loadResvg();
  const renderer = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'original' },
    font: { fontBuffers: font.buffers, defaultFontFamily: font.family, sansSerifFamily: font.family },
  });
  try {
    const image = renderer.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    renderer.free();
  }
}

/** The bytes of the file `path` names: SVG text, or a PNG of it. */
export async function imageBytes(path: string, svg: string): Promise<Uint8Array> {
  checkImagePath(path);
  return path.toLowerCase().endsWith('.png') ? renderPng(svg) : new TextEncoder().encode(svg);
}
