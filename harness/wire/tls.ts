/**
 * The controller server's TLS material, made fresh for each server as a bootstrapped Juju
 * controller makes its own: a CA, and a server certificate it signs for 127.0.0.1 and localhost
 * (and `juju-apiserver`, the name Juju's own certificates carry). Clients trust the CA: its PEM
 * goes to them as text and as a file (python-libjuju's `cacert`, `--client-cmd`'s
 * UPGRADE_CHAOS_CA_CERT / UPGRADE_CHAOS_CA_CERT_FILE). EC P-256 keys: a fresh pair takes
 * milliseconds, where RSA would make every server start wait.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsMaterial {
  /** The CA certificate (PEM) clients verify the server with. */
  caCert: string;
  /** Where caCert is written, for clients that take a file. */
  caCertFile: string;
  /** The server's certificate (PEM), signed by the CA, and its private key. */
  cert: string;
  key: string;
  /** Removes the CA file and its folder (unless the folder was given: its owner removes it). */
  dispose(): void;
}

const FILES = { caCert: 'ca.crt', cert: 'server.crt', key: 'server.key' } as const;

/**
 * The material in `dir` if an earlier server left it there, else new material written there: a
 * controller process restarted after a crash keeps its certificates, as a real controller keeps
 * its own across restarts, so clients holding the CA reconnect. Without `dir`, new material in a
 * temporary folder that dispose() removes.
 */
export async function tlsMaterialIn(dir?: string): Promise<TlsMaterial> {
  if (dir === undefined) {
    const temp = mkdtempSync(join(tmpdir(), 'upgrade-chaos-tls-'));
    const material = await writeMaterial(temp);
    return { ...material, dispose: () => rmSync(temp, { recursive: true, force: true }) };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = (name: string): string => join(dir, name);
  if (Object.values(FILES).every((f) => existsSync(path(f)))) {
    const read = (name: string): string => readFileSync(path(name), 'utf8');
    return {
      caCert: read(FILES.caCert),
      caCertFile: path(FILES.caCert),
      cert: read(FILES.cert),
      key: read(FILES.key),
      dispose: () => {},
    };
  }
  return { ...(await writeMaterial(dir)), dispose: () => {} };
}

async function writeMaterial(dir: string): Promise<Omit<TlsMaterial, 'dispose'>> {
  const { caCert, cert, key } = await makeCertificates();
  writeFileSync(join(dir, FILES.cert), cert);
  writeFileSync(join(dir, FILES.key), key, { mode: 0o600 });
  // The CA last: its presence says the folder is complete.
  writeFileSync(join(dir, FILES.caCert), caCert);
  return { caCert, caCertFile: join(dir, FILES.caCert), cert, key };
}

/** Certificates valid from a day ago (clock skew) for a year: a server lives for one session. */
const DAY_MS = 24 * 60 * 60 * 1000;

async function makeCertificates(): Promise<{ caCert: string; cert: string; key: string }> {
  // Loaded here, not at the top: selfsigned (with @peculiar/x509) takes ~0.1 s of CPU to load, and
  // every command loads this module (the CLI is one bundle) while only a TLS server makes certificates.
  const { generate } = await import('selfsigned');
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
  return { caCert: ca.cert, cert: server.cert, key: server.private };
}
