/**
 * Runs the zod schema over the parsed YAML and turns each issue into a located Diagnostic a newcomer can act on:
 * the field, what was expected, what was found, and the fix ("did you mean `http_port`?").
 */
import type { z } from 'zod';
import { nearest, type Diagnostic } from './diagnostics.js';
import { AppSpecSchema, type AppSpec } from './schema.js';
import {
  isObject,
  listAsMapping,
  misplacedTopLevelKey,
  nameHint,
  unquotedScalar,
  valueAt,
  wordOf,
} from './schema-messages.js';
import { locate, pathString, type PathItem, type SpecSource } from './source.js';

type AnySchema = z.ZodType;
interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  innerType?: AnySchema;
  in?: AnySchema;
  options?: AnySchema[];
}
const defOf = (s: AnySchema) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The keys an object schema allows at a path, for suggestions. */
export function knownKeysAt(path: readonly PathItem[], schema: AnySchema = AppSpecSchema): string[] {
  let s: AnySchema | undefined = schema;
  const unwrap = () => {
    while (s) {
      const d = defOf(s);
      if (d.innerType) s = d.innerType;
      else if (d.type === 'pipe' && d.in) s = d.in;
      else break;
    }
  };
  unwrap();
  for (const step of path) {
    if (!s) return [];
    const d = defOf(s);
    if (d.type === 'object' && typeof step === 'string') s = d.shape?.[step];
    else if (d.type === 'array' && typeof step === 'number') s = d.element;
    else return [];
    unwrap();
  }
  const d = s ? defOf(s) : undefined;
  return d?.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}

const EXPECTED: Record<string, string> = {
  int: 'an integer',
  object: 'a mapping (key: value lines)',
  array: 'a list (lines starting with "- ")',
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
};

const COMPONENT_KEYS = [
  'build_command',
  'run_command',
  'dockerfile_path',
  'source_dir',
  'http_port',
  'instance_size_slug',
  'instance_count',
  'routes',
  'health_check',
  'github',
  'git',
  'gitlab',
  'image',
  'log_destinations',
  'environment_slug',
];

export function checkSchema(source: SpecSource, data: unknown): { spec?: AppSpec; diagnostics: Diagnostic[] } {
  const result = AppSpecSchema.safeParse(data);
  if (result.success) return { spec: result.data, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  /** Unquoted scalars where godo has a string: errors, but the rest of the spec can still be checked. */
  const unquoted: PathItem[][] = [];
  for (const issue of result.error.issues) {
    const path = issue.path as PathItem[];
    const field = String(path.at(-1) ?? 'spec');
    const found = valueAt(data, path);
    const at = (p: readonly PathItem[], key = false) => ({ file: source.file, ...locate(source, p, key) });
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(path);
        // Keys of the app's own sections; not `name`, `envs` or `alerts`, which components have too.
        const topLevel = path.length > 0 ? knownKeysAt([]).filter((k) => !['name', 'envs', 'alerts'].includes(k)) : [];
        for (const key of issue.keys) {
          if (topLevel.includes(key)) {
            diagnostics.push(misplacedTopLevelKey(source, path, key, data));
            continue;
          }
          const guess = nearest(key, known);
          diagnostics.push({
            ...at([...path, key], true),
            path: pathString([...path, key]),
            severity: 'error',
            code: 'unknown-key',
            message: `unknown key "${key}"${guess ? `: did you mean "${guess}"?` : ''}`,
            hint: guess
              ? `rename "${key}" to "${guess}"`
              : path.length === 0 && COMPONENT_KEYS.includes(key)
                ? `"${key}" belongs inside a component (under services, workers, jobs or static_sites), not at the top level`
                : `remove "${key}" or move it where it belongs; keys allowed here: ${known.join(', ')}`,
          });
        }
        break;
      }
      case 'invalid_type': {
        if (found === undefined) {
          const parent = path.slice(0, -1);
          const kind = wordOf(String(parent.at(-2) ?? ''));
          diagnostics.push({
            ...at(parent),
            path: pathString(path),
            severity: 'error',
            code: 'missing-field',
            message: kind && field === 'name' ? `every ${kind} needs a name` : `"${field}" is required here`,
            hint: `add "${field}:" to this mapping`,
          });
        } else if (issue.expected === 'array' && path.length === 1 && wordOf(field) && isObject(found)) {
          diagnostics.push(listAsMapping(source, field, found));
        } else if (issue.expected === 'string' && (typeof found === 'number' || typeof found === 'boolean')) {
          diagnostics.push(unquotedScalar(source, path, field, found));
          unquoted.push(path);
        } else {
          const expected =
            EXPECTED[issue.expected === 'number' && field !== 'value' ? 'int' : issue.expected] ??
            `a ${issue.expected}`;
          diagnostics.push({
            ...at(path),
            path: pathString(path),
            severity: 'error',
            code: 'wrong-type',
            message: `${field} must be ${expected}, got ${describe(found)}`,
            hint:
              typeof found === 'string' && /^\d+$/.test(found)
                ? `write ${found} without quotes`
                : `set ${field} to ${expected}`,
          });
        }
        break;
      }
      case 'invalid_value': {
        const values = issue.values.map(String);
        const guess = typeof found === 'string' ? nearest(found, values) : undefined;
        diagnostics.push({
          ...at(path),
          path: pathString(path),
          severity: 'error',
          code: 'bad-value',
          message: `${field} must be one of ${values.filter((v) => !v.startsWith('UNSPECIFIED') && v !== 'UNSET').join(', ')}, got ${describe(found)}`,
          hint: guess ? `did you mean "${guess}"?` : `pick one of the values listed`,
        });
        break;
      }
      case 'too_small':
      case 'too_big': {
        const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
        const range = field.includes('port')
          ? 'between 1 and 65535'
          : issue.code === 'too_small'
            ? `at least ${bound}`
            : `at most ${bound}`;
        diagnostics.push({
          ...at(path),
          path: pathString(path),
          severity: 'error',
          code: 'out-of-range',
          message: `${field} must be ${range}, got ${describe(found)}`,
          hint: `use a value ${range}`,
        });
        break;
      }
      case 'invalid_format': {
        diagnostics.push({
          ...at(path),
          path: pathString(path),
          severity: 'error',
          code: field === 'name' ? 'bad-name' : 'bad-format',
          message: `${field} ${describe(found)} is not valid: ${issue.message}`,
          hint: field === 'name' ? nameHint(found) : 'fix the value to match the expected format',
        });
        break;
      }
      default:
        diagnostics.push({
          ...at(path),
          path: pathString(path),
          severity: 'error',
          code: 'invalid',
          message: `${field}: ${issue.message}`,
          hint: 'fix this field as the app spec reference describes',
        });
    }
  }
  // When those are the only problems, the spec read with them as strings goes on to the semantic checks.
  if (unquoted.length === result.error.issues.length) {
    const again = AppSpecSchema.safeParse(stringified(data, unquoted));
    if (again.success) return { spec: again.data, diagnostics };
  }
  return { diagnostics };
}

function stringified(data: unknown, paths: PathItem[][]): unknown {
  const copy = structuredClone(data);
  for (const p of paths) {
    const parent = valueAt(copy, p.slice(0, -1)) as Record<string, unknown>;
    const key = p.at(-1) as string;
    parent[key] = String(parent[key]);
  }
  return copy;
}
