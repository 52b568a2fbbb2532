/**
 * Plain scalars read the way the platform's parser reads them. doctl turns YAML into JSON with sigs.k8s.io/yaml,
 * which resolves scalars with gopkg.in/yaml.v2: YAML 1.1, where `off`, `no`, `yes`, `on`, `y` and `n` are
 * booleans and `1_000` and `0b101` are integers (doctl internal/apps/apps.go ParseAppSpec; vendored
 * gopkg.in/yaml.v2 resolve.go). The JSON is then decoded into godo's structs with DisallowUnknownFields, so a
 * boolean or a number where godo has a string (`AppVariableDefinition.Value string`) is refused. The YAML 1.2
 * parser rehearse uses reads `off` as the string "off"; this module re-reads the plain scalars whose YAML 1.1
 * reading differs, so the schema sees what the platform sees.
 *
 * Timestamps (`2024-01-01`) stay strings here: yaml.v2 reads them as times, which JSON writes back as an RFC 3339
 * string, so a string field still accepts them.
 */
import { isScalar, visit, type Document, type Scalar } from 'yaml';

export type GoYamlKind = 'bool' | 'int' | 'float' | 'null' | 'string';

const BOOLS: Record<string, boolean> = {};
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) BOOLS[s] = true;
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) BOOLS[s] = false;
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS: Record<string, number> = {
  '.nan': NaN,
  '.NaN': NaN,
  '.NAN': NaN,
  '.inf': Infinity,
  '.Inf': Infinity,
  '.INF': Infinity,
  '+.inf': Infinity,
  '+.Inf': Infinity,
  '+.INF': Infinity,
  '-.inf': -Infinity,
  '-.Inf': -Infinity,
  '-.INF': -Infinity,
};
/** yaml.v2's yamlStyleFloat. */
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** What Go's strconv.ParseInt(s, 0, 64) accepts once yaml.v2 has removed the underscores. */
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$/;
const TIMESTAMP = /^[0-9]{4}-/;

/** How gopkg.in/yaml.v2 resolves an untagged plain scalar, as the platform's parser sees it. */
export function goYamlScalar(text: string): { kind: GoYamlKind; value: unknown } {
  if (NULLS.has(text)) return { kind: 'null', value: null };
  if (text in BOOLS) return { kind: 'bool', value: BOOLS[text] };
  if (text in SPECIAL_FLOATS) return { kind: 'float', value: SPECIAL_FLOATS[text] };
  const first = text[0]!;
  if (first === '.') return FLOAT.test(text) ? { kind: 'float', value: Number(text) } : { kind: 'string', value: text };
  if (!/[-+0-9]/.test(first) || TIMESTAMP.test(text)) return { kind: 'string', value: text };
  const plain = text.replaceAll('_', '');
  if (GO_INT.test(plain)) return { kind: 'int', value: goInt(plain) };
  if (FLOAT.test(plain) && Number.isFinite(Number(plain))) return { kind: 'float', value: Number(plain) };
  return { kind: 'string', value: text };
}

function goInt(s: string): number {
  const sign = s.startsWith('-') ? -1 : 1;
  const body = s.replace(/^[-+]/, '');
  const lower = body.toLowerCase();
  if (lower.startsWith('0x')) return sign * parseInt(lower.slice(2), 16);
  if (lower.startsWith('0b')) return sign * parseInt(lower.slice(2), 2);
  if (lower.startsWith('0o')) return sign * parseInt(lower.slice(2), 8);
  if (body.length > 1 && body.startsWith('0')) return sign * parseInt(body.slice(1), 8);
  return sign * Number(body);
}

/**
 * Re-reads every untagged plain value scalar as yaml.v2 would, in place. Keys are left alone: a key the platform
 * would read as a boolean is an unknown key either way. The original text stays in `source` for messages.
 */
export function applyYaml11(doc: Document.Parsed): void {
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || node.type !== 'PLAIN' || node.tag || typeof node.source !== 'string') return;
      const { kind, value } = goYamlScalar(node.source);
      if (kind === 'string' || kind === 'null') return; // both parsers agree on these
      if (value !== node.value) (node as Scalar<unknown>).value = value;
    },
  });
}

/** The text a plain scalar was written as, when it was written as one: `off` in `value: off`. */
export function plainText(node: unknown): string | undefined {
  return isScalar(node) && node.type === 'PLAIN' && !node.tag && typeof node.source === 'string'
    ? node.source
    : undefined;
}
