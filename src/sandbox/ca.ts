// A throw-away certificate authority for the sandbox: a CA and one leaf certificate for the loopback names,
// both ECDSA P-256, generated in memory at every start. Clients trust the CA (tlsOptions / NODE_EXTRA_CA_CERTS /
// SOAR_EXTRA_CA_FILE); nothing is ever written unless the caller asks for the CA file.

import { webcrypto } from 'node:crypto';
import './reflectMetadata.js';
import * as x509 from '@peculiar/x509';

export interface SandboxTls {
  /** PEM of the CA certificate (what clients trust). */
  caPem: string;
  /** PEM of the server's leaf certificate followed by the CA (the chain the server presents). */
  certChainPem: string;
  /** PKCS#8 PEM of the leaf's private key. */
  keyPem: string;
}

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

function pkcs8Pem(der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64.trimEnd()}\n-----END PRIVATE KEY-----\n`;
}

export async function createSandboxTls(now: Date = new Date()): Promise<SandboxTls> {
  const crypto = webcrypto as unknown as Crypto;
  // Backdated a day so a test clock slightly behind the wall clock still accepts the certificates.
  const notBefore = new Date(now.getTime() - DAY_MS);
  const notAfter = new Date(now.getTime() + 30 * DAY_MS);

  const caKeys = await crypto.subtle.generateKey(ecdsa, true, ['sign', 'verify']);
  const caName = 'CN=SOAR Sandbox Test CA, O=SOAR sandbox (not for production)';
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: caName,
      keys: caKeys,
      notBefore,
      notAfter,
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const leafKeys = await crypto.subtle.generateKey(ecdsa, true, ['sign', 'verify']);
  const leaf = await x509.X509CertificateGenerator.create(
    {
      subject: 'CN=127.0.0.1',
      issuer: ca.subject,
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      notBefore,
      notAfter,
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        new x509.SubjectAlternativeNameExtension([
          { type: 'ip', value: '127.0.0.1' },
          { type: 'dns', value: 'localhost' },
          { type: 'ip', value: '::1' },
        ]),
        await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const caPem = ca.toString('pem') + '\n';
  return {
    caPem,
    certChainPem: leaf.toString('pem') + '\n' + caPem,
    keyPem: pkcs8Pem(await crypto.subtle.exportKey('pkcs8', leafKeys.privateKey)),
  };
}
