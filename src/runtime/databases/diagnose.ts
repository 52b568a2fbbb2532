/**
 * The production-only database failures that rehearse's databases make visible, recognised from the app's own
 * error text and named in one line with the fix (research: databases-buildpacks-failures.md A.6, C1-C5, C10).
 */
const RULES: [RegExp, string][] = [
  [
    /SELF_SIGNED_CERT_IN_CHAIN|self[- ]signed certificate in certificate chain|CERTIFICATE_VERIFY_FAILED|x509: certificate signed by unknown authority/,
    "the database's certificate is signed by the project's own CA, which the client does not trust, as in production: give the client ${db.CA_CERT} (node-postgres: ssl: { ca: process.env.CA_CERT }; libpq/psycopg: sslrootcert= a file holding it; Redis: ssl_ca_certs), never turn verification off",
  ],
  [
    /no pg_hba\.conf entry for host .*(no encryption|SSL off)/,
    'the database accepts TLS only, as in production: keep sslmode=require in the URL (or ssl: true in the driver) instead of building a URL without it',
  ],
  [
    /remaining connection slots are reserved|sorry, too many clients already/,
    "the database's connection limit is reached (25 per GiB, 3 reserved): instances x workers x pool size must fit it; lower the pool size or connect through a connection pool (${db.<pool>.DATABASE_URL})",
  ],
  [
    /prepared statement "[^"]+" (already exists|does not exist)/,
    'a transaction-mode pool (PgBouncer) does not keep prepared statements between transactions: disable them for the pool URL (Prisma ?pgbouncer=true, Rails prepared_statements: false) and run migrations on the direct URL',
  ],
  [
    /NOAUTH Authentication required|WRONGPASS|A rediss:\/\/ URL must have parameter ssl_cert_reqs/,
    'production Redis wants a password and TLS: use the whole ${db.REDIS_URL} (rediss://default:…@…:25061), and with Celery add ?ssl_cert_reqs=CERT_REQUIRED',
  ],
  [
    /permission denied for schema public/,
    'on PostgreSQL 15 a user other than the database owner cannot create in schema public: connect as doadmin, or GRANT CREATE ON SCHEMA public to the user as doadmin',
  ],
];

/** The fix for the first database failure found in an instance's or a job's last lines, if any. */
export function databaseFix(text: string): string | undefined {
  return RULES.find(([pattern]) => pattern.test(text))?.[1];
}
