// Runs the durable child host (test/durable/child/durableChild.ts) in a separate Node process.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { distDir } from './helpers.js';

const childEntry = path.join(distDir, 'test/durable/child/durableChild.js');

export function spawnChild(args: string[]): ChildProcess {
  return spawn(process.execPath, [childEntry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs the child to its end; resolves with its stdout, rejects with its stderr on a non-zero exit. */
export function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(args);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}
