/**
 * A --client-cmd program's output as the console and report.html show it. A program that does not
 * trust the controller's CA on a TLS scenario (trial 10: python-libjuju-3.6, deploy.py without a
 * cafile) fails with one SSLCertVerificationError line among screens of refused dials: the excerpt
 * says so on a line of its own and names the variable that holds the CA.
 */
import { describe, expect, it } from 'vitest';
import { formatClientOutput } from '../../reports/client-output.ts';
import type { CommandOutput } from '../../harness/clients/command-client.ts';

const REFUSED =
  "[deploy 12812.19] connection lost: ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 21650)";
const SSL =
  '[deploy 12900.04] connection lost: SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:992)';

function output(stderr: string): CommandOutput {
  return { client: 'client-0', command: '/usr/bin/python3 deploy.py', timedOut: true, stdout: '', stderr };
}

describe('a program output excerpt', () => {
  it('says on a line of its own that the program did not trust the CA, and where the CA is', () => {
    const text = formatClientOutput(
      output([SSL, ...Array(20).fill(REFUSED), '[deploy] killed at the deadline'].join('\n')),
    );
    expect(text).not.toContain('(_ssl.c:992)\n'); // the line itself is out of the 15-line tail ...
    expect(text).toMatch(
      /^ {2}TLS: it could not verify the controller's certificate \(\[deploy 12900\.04\].*CERTIFICATE_VERIFY_FAILED/m,
    );
    expect(text).toContain('UPGRADE_CHAOS_CA_CERT_FILE');
  });

  // What each runtime really prints when it does not trust the server's CA (trial 12: a Node program's
  // `unable to verify the first certificate` got no hint): Node by message and by code, Python's ssl, Go.
  it.each([
    'Error: unable to verify the first certificate',
    'Error: self signed certificate in certificate chain',
    'Error: self-signed certificate in certificate chain',
    'Error: self-signed certificate',
    'Error: unable to get local issuer certificate',
    'code: UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'code: DEPTH_ZERO_SELF_SIGNED_CERT',
    'code: UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    SSL,
    'ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1000)',
    'dial: tls: failed to verify certificate: x509: certificate signed by unknown authority',
  ])('gives the TLS hint for %s', (line) => {
    expect(formatClientOutput(output(`${REFUSED}\n${line}\n${REFUSED}`))).toMatch(/^ {2}TLS: it could not verify/m);
  });

  it('says nothing of TLS when the program did not complain of a certificate', () => {
    const text = formatClientOutput(output([...Array(3).fill(REFUSED), '[deploy] killed at the deadline'].join('\n')));
    expect(text).not.toContain('TLS');
    expect(text).toContain('client-0 ran /usr/bin/python3 deploy.py: killed at its deadline');
  });
});
