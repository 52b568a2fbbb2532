/**
 * The App Platform app spec as zod schemas: DigitalOcean's published OpenAPI (shared/reference/do-openapi-apps)
 * joined with the fields the live platform accepts that the published schema lags on, taken from the godo structs
 * (apps.gen.go): app-level `envs`, `alerts`, `features`; job `kind: SCHEDULED` with `schedule`; `inactivity_sleep`;
 * `ingress.load_balancer`; health_check `path`. Objects are strict so typos are caught with a suggestion.
 * Semantic rules (unique names, routes, references) live in semantic.ts, not here.
 */
import { z } from 'zod';

export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const name = z
  .string()
  .regex(NAME_PATTERN, 'names are 2-32 lowercase letters, digits and dashes, starting with a letter');
const int = (min?: number, max?: number) => {
  let s = z.number().int();
  if (min !== undefined) s = s.min(min);
  if (max !== undefined) s = s.max(max);
  return s;
};
const port = int(1, 65535);

export const SCOPES = ['UNSET', 'RUN_TIME', 'BUILD_TIME', 'RUN_AND_BUILD_TIME'] as const;
export const JOB_KINDS = ['UNSPECIFIED', 'PRE_DEPLOY', 'POST_DEPLOY', 'FAILED_DEPLOY', 'SCHEDULED'] as const;
export const DB_ENGINES = ['UNSET', 'MYSQL', 'PG', 'REDIS', 'MONGODB', 'KAFKA', 'OPENSEARCH', 'VALKEY'] as const;
export const ALERT_RULES = [
  'UNSPECIFIED_RULE',
  'CPU_UTILIZATION',
  'MEM_UTILIZATION',
  'RESTART_COUNT',
  'DEPLOYMENT_FAILED',
  'DEPLOYMENT_LIVE',
  'DEPLOYMENT_STARTED',
  'DEPLOYMENT_CANCELED',
  'DOMAIN_FAILED',
  'DOMAIN_LIVE',
  'AUTOSCALE_FAILED',
  'AUTOSCALE_SUCCEEDED',
  'FUNCTIONS_ACTIVATION_COUNT',
  'FUNCTIONS_AVERAGE_DURATION_MS',
  'FUNCTIONS_ERROR_RATE_PER_MINUTE',
  'FUNCTIONS_AVERAGE_WAIT_TIME_MS',
  'FUNCTIONS_ERROR_COUNT',
  'FUNCTIONS_GB_RATE_PER_SECOND',
  'REQUESTS_PER_SECOND',
  'REQUEST_DURATION_P95_MS',
] as const;

export const EnvVar = z.strictObject({
  key: z.string().regex(/^[_A-Za-z][_A-Za-z0-9]*$/, 'env keys are letters, digits and underscores'),
  /** godo `AppVariableDefinition.Value string`: doctl refuses `value: 80` and `value: off` (see yaml11.ts). */
  value: z.string().optional(),
  scope: z.enum(SCOPES).default('RUN_AND_BUILD_TIME'),
  type: z.enum(['GENERAL', 'SECRET']).default('GENERAL'),
});

const branchRepo = z.strictObject({
  repo: z.string().optional(),
  branch: z.string().optional(),
  deploy_on_push: z.boolean().optional(),
});
const git = z.strictObject({ repo_clone_url: z.string().optional(), branch: z.string().optional() });
export const ImageSource = z.strictObject({
  registry_type: z.enum(['UNSPECIFIED', 'DOCKER_HUB', 'DOCR', 'GHCR']).optional(),
  registry: z.string().optional(),
  repository: z.string().optional(),
  tag: z.string().optional(),
  digest: z.string().optional(),
  registry_credentials: z.string().optional(),
  deploy_on_push: z.strictObject({ enabled: z.boolean().optional() }).optional(),
});

const stringMatch = z.strictObject({
  exact: z.string().max(256).nullish(),
  prefix: z.string().max(256).nullish(),
  regex: z.string().min(1).max(256).optional(),
});
export const Cors = z.strictObject({
  allow_origins: z.array(stringMatch).optional(),
  allow_methods: z.array(z.string()).optional(),
  allow_headers: z.array(z.string()).optional(),
  expose_headers: z.array(z.string()).optional(),
  max_age: z.string().optional(),
  allow_credentials: z.boolean().optional(),
});
const route = z.strictObject({ path: z.string().optional(), preserve_path_prefix: z.boolean().optional() });
const alert = z.strictObject({
  rule: z.enum(ALERT_RULES).optional(),
  disabled: z.boolean().optional(),
  operator: z.enum(['UNSPECIFIED_OPERATOR', 'GREATER_THAN', 'LESS_THAN']).optional(),
  value: z.number().optional(),
  window: z.enum(['UNSPECIFIED_WINDOW', 'FIVE_MINUTES', 'TEN_MINUTES', 'THIRTY_MINUTES', 'ONE_HOUR']).optional(),
});
const logDestination = z.strictObject({
  name: z.string().min(2).max(42),
  papertrail: z.strictObject({ endpoint: z.string() }).optional(),
  datadog: z.strictObject({ endpoint: z.string().optional(), api_key: z.string() }).optional(),
  logtail: z.strictObject({ token: z.string().optional() }).optional(),
  open_search: z
    .strictObject({
      endpoint: z.string().optional(),
      basic_auth: z.strictObject({ user: z.string().optional(), password: z.string().optional() }).optional(),
      index_name: z.string().optional(),
      cluster_name: z.string().optional(),
    })
    .optional(),
  endpoint: z.string().optional(),
  tls_insecure: z.boolean().optional(),
  headers: z.array(z.strictObject({ key: z.string(), value: z.string().optional() })).optional(),
});
export const HealthCheck = z.strictObject({
  http_path: z.string().optional(),
  /** godo still carries the older `path` spelling. */
  path: z.string().optional(),
  port: port.optional(),
  initial_delay_seconds: int(0, 3600).optional(),
  period_seconds: int(1, 300).optional(),
  timeout_seconds: int(1, 120).optional(),
  success_threshold: int(1, 1).optional(),
  failure_threshold: int(1, 50).optional(),
});
const autoscaling = z.strictObject({
  min_instance_count: int(1).optional(),
  max_instance_count: int(1, 250).optional(),
  metrics: z
    .strictObject({
      cpu: z.strictObject({ percent: int(1, 100).optional() }).optional(),
      requests_per_second: z.strictObject({ per_instance: int(1).optional() }).optional(),
      request_duration: z.strictObject({ p95_milliseconds: int(1).optional() }).optional(),
    })
    .optional(),
});

/** Fields every buildable component shares (app_component_base.yml). */
const componentBase = {
  name,
  git: git.optional(),
  github: branchRepo.optional(),
  gitlab: branchRepo.optional(),
  bitbucket: branchRepo.optional(),
  image: ImageSource.optional(),
  dockerfile_path: z.string().optional(),
  build_command: z.string().optional(),
  run_command: z.string().optional(),
  source_dir: z.string().optional(),
  envs: z.array(EnvVar).optional(),
  environment_slug: z.string().optional(),
  log_destinations: z.array(logDestination).optional(),
};
const instanceBase = {
  instance_count: int(1).optional(),
  instance_size_slug: z.string().optional(),
  alerts: z.array(alert).optional(),
};

export const Service = z.strictObject({
  ...componentBase,
  ...instanceBase,
  autoscaling: autoscaling.optional(),
  cors: Cors.optional(),
  health_check: HealthCheck.optional(),
  liveness_health_check: HealthCheck.optional(),
  protocol: z.enum(['HTTP', 'HTTP2']).optional(),
  http_port: port.optional(),
  internal_ports: z.array(port).optional(),
  routes: z.array(route).optional(),
  termination: z
    .strictObject({ drain_seconds: int(1, 110).optional(), grace_period_seconds: int(1, 600).optional() })
    .optional(),
  inactivity_sleep: z
    .strictObject({
      after_seconds: int(0).optional(),
      loading_page: z.strictObject({ enabled: z.boolean().optional(), custom_url: z.string().optional() }).optional(),
    })
    .optional(),
});

export const Worker = z.strictObject({
  ...componentBase,
  ...instanceBase,
  autoscaling: autoscaling.optional(),
  termination: z.strictObject({ grace_period_seconds: int(1, 600).optional() }).optional(),
  liveness_health_check: HealthCheck.optional(),
});

export const Job = z.strictObject({
  ...componentBase,
  ...instanceBase,
  kind: z.enum(JOB_KINDS).default('UNSPECIFIED'),
  schedule: z.strictObject({ cron: z.string(), time_zone: z.string().optional() }).optional(),
  termination: z.strictObject({ grace_period_seconds: int(1, 600).optional() }).optional(),
  timeout: z.string().optional(),
});

export const StaticSite = z.strictObject({
  ...componentBase,
  index_document: z.string().optional(),
  error_document: z.string().optional(),
  catchall_document: z.string().optional(),
  output_dir: z.string().optional(),
  cors: Cors.optional(),
  routes: z.array(route).optional(),
});

export const Functions = z.strictObject({
  name,
  git: git.optional(),
  github: branchRepo.optional(),
  gitlab: branchRepo.optional(),
  bitbucket: branchRepo.optional(),
  source_dir: z.string().optional(),
  envs: z.array(EnvVar).optional(),
  routes: z.array(route).optional(),
  alerts: z.array(alert).optional(),
  log_destinations: z.array(logDestination).optional(),
  cors: Cors.optional(),
});

export const Database = z.strictObject({
  name,
  engine: z.enum(DB_ENGINES).default('UNSET'),
  /** godo `AppDatabaseSpec.Version string`: `version: 16` is refused by doctl, `version: "16"` is not. */
  version: z.string().optional(),
  size: z.string().optional(),
  num_nodes: int(1).optional(),
  production: z.boolean().optional(),
  cluster_name: z.string().optional(),
  db_name: z.string().optional(),
  db_user: z.string().optional(),
});

const ingressMatch = z.strictObject({
  path: z.strictObject({ prefix: z.string().max(256).nullish(), exact: z.string().max(256).nullish() }).optional(),
  authority: z.strictObject({ exact: z.string().max(256).nullish(), prefix: z.string().nullish() }).optional(),
});
export const IngressRule = z.strictObject({
  match: ingressMatch.optional(),
  cors: Cors.optional(),
  component: z
    .strictObject({ name: z.string(), preserve_path_prefix: z.boolean().optional(), rewrite: z.string().optional() })
    .optional(),
  redirect: z
    .strictObject({
      uri: z.string().optional(),
      authority: z.string().optional(),
      port: port.optional(),
      scheme: z.string().optional(),
      redirect_code: int(300, 399).optional(),
    })
    .optional(),
});

const domain = z.strictObject({
  domain: z.string().min(4).max(253),
  type: z.enum(['UNSPECIFIED', 'DEFAULT', 'PRIMARY', 'ALIAS']).optional(),
  wildcard: z.boolean().optional(),
  zone: z.string().optional(),
  certificate: z.string().optional(),
  minimum_tls_version: z.enum(['1.2', '1.3']).optional(),
});

export const AppSpecSchema = z.strictObject({
  name,
  region: z.string().optional(),
  disable_edge_cache: z.boolean().optional(),
  disable_email_obfuscation: z.boolean().optional(),
  enhanced_threat_control_enabled: z.boolean().optional(),
  domains: z.array(domain).optional(),
  services: z.array(Service).optional(),
  static_sites: z.array(StaticSite).optional(),
  workers: z.array(Worker).optional(),
  jobs: z.array(Job).optional(),
  functions: z.array(Functions).optional(),
  databases: z.array(Database).optional(),
  envs: z.array(EnvVar).optional(),
  alerts: z.array(alert).optional(),
  ingress: z
    .strictObject({
      rules: z.array(IngressRule).optional(),
      load_balancer: z.enum(['UNKNOWN', 'DIGITALOCEAN']).optional(),
      load_balancer_size: int(0).optional(),
      custom_error_page_url: z.string().optional(),
      secure_header: z
        .array(z.strictObject({ key: z.string(), value: z.string().optional(), remove_header: z.boolean().optional() }))
        .optional(),
    })
    .optional(),
  egress: z.strictObject({ type: z.enum(['AUTOASSIGN', 'DEDICATED_IP']).optional() }).optional(),
  features: z.array(z.string()).optional(),
  maintenance: z
    .strictObject({
      enabled: z.boolean().optional(),
      archive: z.boolean().optional(),
      offline_page_url: z.string().optional(),
    })
    .optional(),
  vpc: z.strictObject({ id: z.string().optional(), egress_ips: z.array(z.unknown()).optional() }).optional(),
});

export type AppSpec = z.output<typeof AppSpecSchema>;
export type ServiceSpec = z.output<typeof Service>;
export type WorkerSpec = z.output<typeof Worker>;
export type JobSpec = z.output<typeof Job>;
export type StaticSiteSpec = z.output<typeof StaticSite>;
export type EnvVarSpec = z.output<typeof EnvVar>;
export type HealthCheckSpec = z.output<typeof HealthCheck>;
