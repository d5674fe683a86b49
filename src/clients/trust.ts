// Adds the CA named by SOAR_EXTRA_CA_FILE (the sandbox's CA, or a corporate TLS-inspection CA) to the
// process's default trusted roots. The default store is what both node:https (Azure SDKs) and the global
// fetch (Octokit, Graph, Azure DevOps) use when a client passes no CA of its own.

import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { ConfigError } from './errors.js';
import { optionalSetting } from './settings.js';

const trusted = new Set<string>();

export function trustExtraCa(): void {
  const file = optionalSetting('SOAR_EXTRA_CA_FILE');
  if (file === undefined || trusted.has(file)) return;
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError('SOAR_EXTRA_CA_FILE', `names a file that cannot be read: '${file}'`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError('SOAR_EXTRA_CA_FILE', `names a file without a PEM certificate: '${file}'`);
  }
  if (typeof tls.setDefaultCACertificates !== 'function') {
    throw new ConfigError('SOAR_EXTRA_CA_FILE', `needs Node.js with tls.setDefaultCACertificates (this is ${process.version}); set NODE_EXTRA_CA_CERTS instead`);
  }
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), pem]);
  trusted.add(file);
}
