/** Production-only database failures named from the app's own words (research A.6), in crashes and jobs. */
import { describe, expect, it } from 'vitest';
import { databaseFix } from '../../../src/runtime/databases/diagnose.js';
import { jobFailure } from '../../../src/runtime/jobs.js';

describe('database diagnoses', () => {
  it.each([
    ['Error: self-signed certificate in certificate chain', /project's own CA.*CA_CERT/],
    ['ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed', /CA_CERT/],
    ['tls: failed to verify certificate: x509: certificate signed by unknown authority', /CA_CERT/],
    [
      'psycopg2.OperationalError: connection to server at "db" (172.26.0.2), port 25060 failed: FATAL:  no pg_hba.conf entry for host "172.26.0.3", user "doadmin", database "defaultdb", no encryption',
      /TLS only.*sslmode=require/,
    ],
    [
      'FATAL:  remaining connection slots are reserved for non-replication superuser connections',
      /connection limit.*pool/,
    ],
    ['PostgresError: prepared statement "s0" already exists', /transaction-mode pool.*pgbouncer=true/],
    [
      'ValueError: A rediss:// URL must have parameter ssl_cert_reqs and this must be set to CERT_REQUIRED, CERT_OPTIONAL, or CERT_NONE',
      /ssl_cert_reqs=CERT_REQUIRED/,
    ],
    ['ERROR:  permission denied for schema public', /GRANT CREATE ON SCHEMA public/],
  ])('%s', (line, fix) => {
    expect(databaseFix(`Traceback (most recent call last):\n  ...\n${line}`)).toMatch(fix);
  });
  it('says nothing about other failures', () => {
    expect(databaseFix('Error: listen EADDRINUSE: address already in use :::8080')).toBeUndefined();
  });
  it('names the fix in a failed PRE_DEPLOY job, where migrations meet the database first', () => {
    const err = jobFailure(
      'PRE_DEPLOY',
      {
        job: 'migrate',
        code: 1,
        output: ['FATAL:  remaining connection slots are reserved for non-replication superuser connections'],
      },
      1800,
      { components: [], databases: [] },
    );
    expect(err.message).toMatch(/^PRE_DEPLOY job "migrate" exited with code 1: the database's connection limit/);
  });
});
