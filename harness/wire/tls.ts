/**
 * The controller server's TLS material, made fresh for each server as a bootstrapped Juju
 * controller makes its own: a CA, and a server certificate it signs for 127.0.0.1 and localhost
 * (and `juju-apiserver`, the name Juju's own certificates carry). Clients trust the CA: its PEM
 * goes to them as text and as a file (python-libjuju's `cacert`, `--client-cmd`'s
 * UPGRADE_CHAOS_CA_CERT / UPGRADE_CHAOS_CA_CERT_FILE). EC P-256 keys: a fresh pair takes
 * milliseconds, where RSA would make every server start wait.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  /** The CA certificate (PEM) clients verify the server with. */
  caCert: string;
  /** Where caCert is written, for clients that take a file. */
  caCertFile: string;
  /** The server's certificate (PEM), signed by the CA, and its private key. */
  cert: string;
  key: string;
  /** Removes the CA file and its folder. */
  dispose(): void;
}

/** Certificates valid from a day ago (clock skew) for a year: a server lives for one session. */
const DAY_MS = 24 * 60 * 60 * 1000;

export async function makeTlsMaterial(): Promise<TlsMaterial> {
  const notBeforeDate = new Date(Date.now() - DAY_MS);
  const notAfterDate = new Date(notBeforeDate.getTime() + 366 * DAY_MS);
  const ca = await generate([{ name: 'commonName', value: 'upgrade-chaos controller CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'juju-apiserver' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
          { type: 2, value: 'juju-apiserver' },
        ],
      },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), 'upgrade-chaos-tls-'));
  const caCertFile = join(dir, 'ca.crt');
  writeFileSync(caCertFile, ca.cert);
  return {
    caCert: ca.cert,
    caCertFile,
    cert: server.cert,
    key: server.private,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
