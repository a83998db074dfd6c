/** A --client-cmd program's output as the console and report.html show it: how it ended, then the
 *  last lines of its stdout and stderr (client-output.txt beside failure.json holds all it kept). */
import { commandStatus, type CommandOutput } from '../harness/clients/command-client.ts';

/** The end of what a --client-cmd program printed (the failure file keeps all of it). */
export function formatClientOutput(o: CommandOutput): string {
  const tail = (text: string) =>
    text
      .trimEnd()
      .split('\n')
      .slice(-15)
      .map((l) => `    ${l}`)
      .join('\n');
  const status = commandStatus(o);
  return (
    [
      `${o.client} ran ${o.command}: ${status}`,
      o.stdout.trim() ? `  stdout:\n${tail(o.stdout)}` : '',
      o.stderr.trim() ? `  stderr:\n${tail(o.stderr)}` : '',
      tlsRefusal(o),
    ]
      .filter(Boolean)
      .join('\n') + '\n'
  );
}

/** What OpenSSL (Python's ssl), Node (by message and by error code) and Go say when a client does not
 *  trust the server's certificate. Node's message for an untrusted leaf is `unable to verify the first
 *  certificate`: its code name alone would miss every Node program that prints only err.message. */
const TLS_VERIFY_FAILED = new RegExp(
  [
    'CERTIFICATE_VERIFY_FAILED',
    'certificate verify failed',
    'unable to get local issuer certificate',
    'unable to verify the first certificate',
    'self[- ]signed certificate',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'certificate signed by unknown authority',
  ].join('|'),
  'i',
);

/** A program that could not verify the controller's certificate anywhere in its output is told, on a
 *  line of its own, where the CA is: that line may be far up, under a screenful of refused dials. */
function tlsRefusal(o: CommandOutput): string {
  const line = `${o.stdout}\n${o.stderr}`.split('\n').find((l) => TLS_VERIFY_FAILED.test(l));
  if (line === undefined) return '';
  return (
    `  TLS: it could not verify the controller's certificate (${line.trim().slice(0, 200)}): ` +
    'trust the CA upgrade-chaos gives it, UPGRADE_CHAOS_CA_CERT_FILE (PEM; also UPGRADE_CHAOS_CA_CERT), ' +
    'e.g. ssl.create_default_context(cafile=os.environ["UPGRADE_CHAOS_CA_CERT_FILE"]) in Python, ' +
    "{ ca: process.env.UPGRADE_CHAOS_CA_CERT } in Node's TLS options; see docs/client-programs.md"
  );
}
