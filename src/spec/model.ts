/**
 * The one typed model of an app that the runtime, the router and the CLI consume. Everything in it is
 * resolved: absolute paths, env per scope with bindables substituted, health checks with the platform's
 * defaults, instance sizes looked up in the profile, routes ordered longest prefix first.
 */
import type { InstanceSize } from '../profile/profile.js';
import type { Diagnostic } from './diagnostics.js';

export type ComponentKind = 'service' | 'worker' | 'job' | 'static_site';
export type JobKind = 'UNSPECIFIED' | 'PRE_DEPLOY' | 'POST_DEPLOY' | 'FAILED_DEPLOY' | 'SCHEDULED';

export interface EnvEntry {
  key: string;
  value: string;
  secret: boolean;
  /** Where the value came from, for `rehearse env` and for scope diagnoses. */
  origin: 'spec' | 'app' | 'dotenv' | 'environment' | 'platform' | 'missing';
}

export type BuildRecipe =
  | { kind: 'dockerfile'; context: string; dockerfile: string; args: Record<string, string> }
  | { kind: 'image'; image: string }
  | { kind: 'buildpack'; context: string; environmentSlug?: string };

export interface HealthCheckModel {
  kind: 'http' | 'tcp';
  path?: string;
  port: number;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export interface ComponentModel {
  name: string;
  kind: ComponentKind;
  /** Line of the component in the spec, for diagnoses that point back at it. */
  line: number;
  build: BuildRecipe;
  buildCommand?: string;
  runCommand?: string;
  /** Run-time environment (RUN_TIME and RUN_AND_BUILD_TIME, app-level first, component wins), PORT included. */
  env: EnvEntry[];
  /** Build-time environment (BUILD_TIME and RUN_AND_BUILD_TIME), passed as build args. */
  buildEnv: EnvEntry[];
  /** Keys declared BUILD_TIME only: absent at run time (a classic production-only failure). */
  buildOnlyKeys: string[];
  /** Keys declared RUN_TIME only: absent during the build. */
  runOnlyKeys: string[];
  httpPort?: number;
  internalPorts: number[];
  health?: HealthCheckModel;
  /** The restart-on-failure check (liveness_health_check, else the profile's default on http_port). */
  liveness?: HealthCheckModel;
  size: InstanceSize;
  instanceCount: number;
  drainSeconds: number;
  graceSeconds: number;
  jobKind?: JobKind;
  schedule?: { cron: string; timeZone?: string };
  staticSite?: { outputDir?: string; indexDocument: string; errorDocument: string; catchallDocument?: string };
}

export interface RouteModel {
  /** Path prefix, always starting with `/`. */
  prefix: string;
  component?: string;
  preservePathPrefix: boolean;
  rewrite?: string;
  redirect?: { uri?: string; authority?: string; port?: number; scheme?: string; code: number };
  authority?: string;
  cors?: CorsModel;
  line: number;
}

export interface CorsModel {
  allowOrigins: { exact?: string; prefix?: string; regex?: string }[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge?: string;
  allowCredentials: boolean;
}

export interface DatabaseModel {
  name: string;
  /** The spec's engine; UNSET is PostgreSQL, as the platform reads it. */
  engine: string;
  version?: string;
  production: boolean;
  /** The deprecated `size` slug, when given: it sets the node's memory and so the connection limit. */
  size?: string;
  line: number;
  /** Who and what the bindables name: doadmin / defaultdb unless the spec sets db_user / db_name. */
  user: string;
  database: string;
  /** PgBouncer pools the envs name (`${db.<pool>.DATABASE_URL}`): production's pools live on the cluster. */
  pools: string[];
  /** Known once the runtime holds the database's credentials: the password (a secret) and the project CA (PEM). */
  password?: string;
  caCert?: string;
}

export interface AppModel {
  name: string;
  /** The domain the app answers for in production (Host, ${APP_DOMAIN}); absent when the profile has no edge_request. */
  domain?: string;
  /** Every domain of the spec (production routes each to the app). */
  domains?: string[];
  /** The spec file, absolute. */
  file: string;
  /** The repository root paths resolve against: the folder holding `.do/`, else the spec's folder. */
  root: string;
  components: ComponentModel[];
  databases: DatabaseModel[];
  /** Routes in match order: longest prefix first. */
  routes: RouteModel[];
  /** Features of the spec that have no local effect, for the parity report. */
  notEmulated: string[];
  diagnostics: Diagnostic[];
}
