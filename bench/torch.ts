// PyTorch is an optional peer: included when the system python can import torch, reported as
// absent otherwise, never required. bench/torch_peer.py runs as a child (see child.ts).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';

/** torch's version, or null when it cannot be imported. */
export function torchVersion(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

export const TORCH_SCRIPT = fileURLToPath(new URL('./torch_peer.py', import.meta.url));
