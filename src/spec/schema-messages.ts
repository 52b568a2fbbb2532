/**
 * The messages of schema problems that need more than "expected X, got Y": what the platform's parser reads,
 * where a misplaced key belongs, what a list written as a mapping should look like, a valid name to try.
 */
import type { Diagnostic } from './diagnostics.js';
import { COMPONENT_WORD } from './kinds.js';
import { NAME_PATTERN } from './schema.js';
import { locate, nodeAt, pathString, type PathItem, type SpecSource } from './source.js';
import { plainText } from './yaml11.js';

/** The word for an entry of a spec list ("service" for services), or undefined for any other key. */
export const wordOf = (list: string): string | undefined =>
  (COMPONENT_WORD as Record<string, string | undefined>)[list];

export function valueAt(data: unknown, path: readonly PathItem[]): unknown {
  let v: unknown = data;
  for (const step of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[step as string];
  }
  return v;
}

/** A valid name close to an invalid one, or the rule when no such name comes out ("M" gives "m": too short). */
export function nameHint(found: unknown): string {
  const rule =
    'names are 2-32 lowercase letters, digits and dashes, starting with a letter and ending with a letter or digit';
  if (typeof found !== 'string') return rule;
  const tried = found
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 32)
    .replace(/-+$/, '');
  return NAME_PATTERN.test(tried) ? `try "${tried}"` : rule;
}

/**
 * A number or a YAML 1.1 boolean where godo has a string. doctl decodes the spec into godo's structs and refuses
 * it ("cannot unmarshal number into Go struct field ... of type string"); DigitalOcean's deploy action
 * (app_action, sigs.k8s.io/yaml.Unmarshal into the struct) turns it into the string Go prints instead, so `off`
 * arrives as "false". The quoted form is the one both paths read as written.
 */
export function unquotedScalar(
  source: SpecSource,
  path: PathItem[],
  field: string,
  found: number | boolean,
): Diagnostic {
  const written = plainText(nodeAt(source, path)) ?? String(found);
  const reading = typeof found === 'boolean' ? `the boolean ${found}` : `the number ${found}`;
  const reader =
    typeof found === 'boolean' && written !== String(found) ? "the platform's parser (YAML 1.1) reads" : 'YAML reads';
  const changed =
    String(found) !== written ? `; DigitalOcean's deploy action would pass "${String(found)}" instead` : '';
  // A list item (`allow_methods: [GET, ON]`) is named by its list.
  const item = typeof path.at(-1) === 'number';
  const name = item ? `each item of ${String(path.at(-2))}` : field;
  const quoted = item ? `- "${written}"` : `${field}: "${written}"`;
  return {
    file: source.file,
    ...locate(source, path),
    path: pathString(path),
    severity: 'error',
    code: 'wrong-type',
    message: `${name} must be a string, but ${reader} ${written} as ${reading}: doctl refuses it (godo types it as a string)${changed}`,
    hint: field === 'max_age' ? 'write a duration in quotes, e.g. max_age: "24h"' : `quote it: ${quoted}`,
  };
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** `services:` written as a mapping: an App Platform spec with one mistake, not some other kind of file. */
export function listAsMapping(source: SpecSource, field: string, found: Record<string, unknown>): Diagnostic {
  const word = wordOf(field)!;
  const first = Object.keys(found)[0];
  return {
    file: source.file,
    ...locate(source, [field]),
    path: field,
    severity: 'error',
    code: 'wrong-type',
    message: `${field} must be a list, got a mapping: each ${word} is a list item starting with "- "`,
    hint:
      'name' in found
        ? `put "- " before "name:" and line the ${word}'s other keys up under "name"`
        : `write "- name: ${first}" and that ${word}'s keys under it, one list item per ${word}`,
  };
}

/** A key of the app itself (`jobs:`, `domains:`) indented into a component or another mapping. */
export function misplacedTopLevelKey(source: SpecSource, path: PathItem[], key: string, data: unknown): Diagnostic {
  const kind = wordOf(String(path[0]));
  const name = valueAt(data, [...path, 'name']);
  const where = kind && path.length === 2 && typeof name === 'string' ? `${kind} "${name}"` : pathString(path);
  return {
    file: source.file,
    ...locate(source, [...path, key], true),
    path: pathString([...path, key]),
    severity: 'error',
    code: 'unknown-key',
    message: `unknown key "${key}" in ${where}: "${key}" belongs at the top level of the spec, as the app's ${key}:`,
    hint: `move "${key}:" out to the left margin, beside "name:" and "services:" at the top of the spec`,
  };
}
