// The zip writer and reader: round trips, interoperability with Info-ZIP (zip/unzip), and clear errors on
// damaged or hostile archives.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { extractZip, readZip, ZipError, ZipWriter, type ZipEntry } from '../../src/packaging/zip.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'soar-zip-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entries: ZipEntry[] = [
  { name: 'host.json', data: Buffer.from('{"version":"2.0"}\n') },
  { name: 'dist/functions/incidents.js', data: Buffer.from('export const x = 1;\n'.repeat(500)) },
  { name: 'node_modules/.bin-free/run.sh', data: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
  { name: 'random.bin', data: randomBytes(4096) }, // incompressible: stored
  { name: 'empty.txt', data: Buffer.alloc(0) },
  { name: 'naïve/ünïcode €.txt', data: Buffer.from('ü') },
];

function write(file: string, list: ZipEntry[]): number {
  const writer = new ZipWriter(file);
  for (const entry of list) writer.add(entry);
  return writer.close();
}

test('a written archive reads back byte for byte, with modes, and its size is the file size', async () => {
  const file = path.join(dir, 'roundtrip.zip');
  const size = write(file, entries);
  const archive = await readFile(file);
  assert.equal(size, archive.length);
  const read = readZip(archive);
  assert.deepEqual(
    read.map((e) => [e.name, e.data.toString('base64'), e.mode]),
    entries.map((e) => [e.name, e.data.toString('base64'), e.mode ?? 0o644]),
  );
  // The repetitive file was deflated, the random one stored.
  assert.ok(archive.length < 4096 + 10_000 / 2, `archive is ${archive.length} bytes`);
});

test('the same entries always give the same bytes (fixed timestamps)', async () => {
  const a = path.join(dir, 'a.zip');
  const b = path.join(dir, 'b.zip');
  write(a, entries);
  write(b, entries);
  assert.deepEqual(await readFile(a), await readFile(b));
});

test('Info-ZIP unzip accepts the archive and extracts the same content', async () => {
  const file = path.join(dir, 'interop.zip');
  write(file, entries);
  const tested = execFileSync('unzip', ['-t', file], { encoding: 'utf8' });
  assert.match(tested, /No errors detected/);
  const out = path.join(dir, 'unzipped');
  execFileSync('unzip', ['-q', file, '-d', out]);
  for (const entry of entries) assert.deepEqual(await readFile(path.join(out, entry.name)), entry.data, entry.name);
  assert.equal((await stat(path.join(out, 'node_modules/.bin-free/run.sh'))).mode & 0o777, 0o755);
});

test('an archive made by Info-ZIP zip reads back, directories included', async () => {
  const src = path.join(dir, 'src');
  execFileSync('mkdir', ['-p', path.join(src, 'sub/dir')]);
  await writeFile(path.join(src, 'sub/dir/a.txt'), 'hello '.repeat(100));
  await writeFile(path.join(src, 'b.bin'), randomBytes(100));
  execFileSync('zip', ['-qr', path.join(dir, 'infozip.zip'), '.'], { cwd: src });
  const read = readZip(await readFile(path.join(dir, 'infozip.zip')));
  const files = Object.fromEntries(read.filter((e) => !e.isDirectory).map((e) => [e.name, e.data]));
  assert.deepEqual(Object.keys(files).sort(), ['b.bin', 'sub/dir/a.txt']);
  assert.equal(files['sub/dir/a.txt']!.toString(), 'hello '.repeat(100));
  assert.deepEqual(files['b.bin'], await readFile(path.join(src, 'b.bin')));
  assert.ok(read.some((e) => e.isDirectory && e.name === 'sub/dir/'));
});

test('extractZip writes every file under the target folder', async () => {
  const file = path.join(dir, 'extract.zip');
  write(file, entries);
  const out = path.join(dir, 'extracted');
  await extractZip(await readFile(file), out);
  for (const entry of entries) assert.deepEqual(await readFile(path.join(out, entry.name)), entry.data, entry.name);
});

test('the writer refuses names that could escape a folder, and duplicates', () => {
  const writer = new ZipWriter(path.join(dir, 'bad.zip'));
  try {
    for (const name of ['../evil', '/abs', 'a/../../b', 'a\\b', '', 'a//b', './a']) {
      assert.throws(() => writer.add({ name, data: Buffer.alloc(1) }), (err: unknown) => err instanceof ZipError && err.message.includes('Invalid entry name'), name);
    }
    writer.add({ name: 'once', data: Buffer.alloc(1) });
    assert.throws(() => writer.add({ name: 'once', data: Buffer.alloc(1) }), /Duplicate entry 'once'/);
  } finally {
    writer.abort();
  }
});

test('damaged archives fail with a ZipError naming the problem', async () => {
  const file = path.join(dir, 'damaged.zip');
  write(file, [{ name: 'a.txt', data: Buffer.from('abcdefgh'.repeat(64)) }]);
  const good = await readFile(file);
  assert.throws(() => readZip(Buffer.from('not a zip at all, just text')), /no end-of-central-directory record/);
  assert.throws(() => readZip(good.subarray(10)), ZipError);
  const flipped = Buffer.from(good);
  flipped[40] = flipped[40]! ^ 0xff; // inside the deflated data
  assert.throws(() => readZip(flipped), (err: unknown) => err instanceof ZipError && /'a\.txt'/.test(err.message));
});

test('a hostile entry name in an archive is refused before anything is written', async () => {
  // Build an archive with a safe name of the same length, then patch the name bytes in both headers.
  const file = path.join(dir, 'slip.zip');
  write(file, [{ name: 'xx/evil', data: Buffer.from('x') }]);
  const archive = await readFile(file);
  const patched = Buffer.from(archive.toString('latin1').split('xx/evil').join('../evil'), 'latin1');
  const out = path.join(dir, 'slip-out');
  await assert.rejects(extractZip(patched, out), /Invalid entry name '\.\.\/evil'/);
  await assert.rejects(stat(out), { code: 'ENOENT' });
});
