// Builds a throw-away app folder around the built test app (test/apps/http): host.json and
// local.settings.json are written by the test, `main` points at the compiled entry.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const httpAppEntry = fileURLToPath(new URL('../apps/http/index.js', import.meta.url));

export interface AppFolder {
  dir: string;
  remove(): Promise<void>;
}

export async function makeAppFolder(files: { hostJson: unknown; localSettings?: unknown }): Promise<AppFolder> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'soar-host-test-'));
  await writeFile(path.join(dir, 'host.json'), JSON.stringify(files.hostJson));
  if (files.localSettings !== undefined) {
    await writeFile(path.join(dir, 'local.settings.json'), JSON.stringify(files.localSettings));
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs `refresh` (if any) and polls `check` until it holds or `timeoutMs` passes. */
export async function eventually(check: () => boolean, timeoutMs = 2000, refresh?: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await refresh?.();
    if (check()) return;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
