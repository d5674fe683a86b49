import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import tls from 'node:tls';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../src/sandbox/index.js';

function get(url: string, ca: string | string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

test('TLS: the sandbox CA verifies the server for 127.0.0.1 and localhost; the CA file is written', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-ca-'));
  const caFile = join(dir, 'ca.pem');
  const sandbox = await startSandbox({ caFile });
  try {
    assert.equal(await readFile(caFile, 'utf8'), sandbox.caPem);
    assert.equal(sandbox.appSettings.SOAR_EXTRA_CA_FILE, caFile);
    assert.match(sandbox.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await get(`${sandbox.url}/_sandbox/calls`, sandbox.caPem), 200);
    const port = new URL(sandbox.url).port;
    assert.equal(await get(`https://localhost:${port}/_sandbox/calls`, sandbox.caPem), 200);
  } finally {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('TLS: without the sandbox CA the connection is refused by certificate verification', async () => {
  const sandbox = await startSandbox();
  try {
    await assert.rejects(get(`${sandbox.url}/_sandbox/calls`, [...tls.rootCertificates]), (err: NodeJS.ErrnoException) => {
      assert.match(String(err.code), /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
      return true;
    });
    // Another sandbox's CA does not verify this one either.
    const other = await startSandbox();
    try {
      await assert.rejects(get(`${sandbox.url}/_sandbox/calls`, other.caPem));
    } finally {
      await other.close();
    }
  } finally {
    await sandbox.close();
  }
});
