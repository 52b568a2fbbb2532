/**
 * Reads a spec file into a YAML document with a line counter, so that any field path can be turned back into
 * `file:line:col`. Deploy templates (`.do/deploy.template.yaml`) keep the spec under a top-level `spec:` key;
 * `root` is the path prefix where the app spec starts.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { applyYaml11 } from './yaml11.js';

export type PathItem = string | number;

export interface SpecSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** `['spec']` for deploy templates, `[]` otherwise. */
  root: PathItem[];
}

export function parseSource(file: string, text: string): { source: SpecSource; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, merge: true });
  const diagnostics: Diagnostic[] = doc.errors.map((e) => {
    const pos = lines.linePos(e.pos[0]);
    const duplicate = e.code === 'DUPLICATE_KEY' ? duplicateKey(doc, e.pos[0]) : undefined;
    return {
      file,
      line: pos.line,
      column: pos.col,
      path: '',
      severity: 'error',
      code: `yaml/${e.code.toLowerCase().replaceAll('_', '-')}`,
      message: duplicate
        ? `the key "${duplicate.key}" appears twice in the same mapping (first on line ${lines.linePos(duplicate.first).line})`
        : `YAML syntax: ${firstLine(e.message)}`,
      hint: duplicate
        ? `keep one "${duplicate.key}"; parsers disagree on which one wins (doctl keeps the last, some keep the first)`
        : yamlHint(e.code),
    };
  });
  applyYaml11(doc);
  const top = doc.contents;
  const isTemplate = isMap(top) && top.has('spec') && !top.has('name') && isMap(top.get('spec', true));
  return { source: { file, text, doc, lines, root: isTemplate ? ['spec'] : [] }, diagnostics };
}

/** Errors after which the document's structure is still the one written: checking goes on. */
export const RECOVERABLE_YAML = new Set(['yaml/duplicate-key']);

/** The duplicated key whose second occurrence starts at `offset`, and where its first occurrence starts. */
function duplicateKey(doc: Document.Parsed, offset: number): { key: string; first: number } | undefined {
  let found: { key: string; first: number } | undefined;
  visit(doc, {
    Map(_, map) {
      const pair = map.items.find((p) => isScalar(p.key) && p.key.range?.[0] === offset);
      if (!pair || !isScalar(pair.key)) return;
      const key = String(pair.key.value);
      const first = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      found = { key, first: (first?.key as Node | undefined)?.range?.[0] ?? offset };
      return visit.BREAK;
    },
  });
  return found;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function yamlHint(code: string): string {
  switch (code) {
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation: keys of one mapping must line up, and list items start with "- " under their key';
    case 'DUPLICATE_KEY':
      return 'a key appears twice in the same mapping; keep one';
    case 'TAB_AS_INDENT':
      return 'YAML does not allow tabs for indentation; use spaces';
    default:
      return 'fix the YAML syntax at this position';
  }
}

/** The node at a path (relative to the spec root), or the deepest existing ancestor. */
export function nodeAt(source: SpecSource, path: readonly PathItem[], keyNode = false): Node | null {
  let node: unknown = source.doc.contents;
  for (const [i, step] of [...source.root, ...path].entries()) {
    const last = i === source.root.length + path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return node as Node;
      if (last && keyNode) return pair.key as Node;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof step === 'number' && node.items[step]) {
      node = node.items[step];
    } else {
      break;
    }
  }
  return (node as Node | null) ?? null;
}

export function locate(
  source: SpecSource,
  path: readonly PathItem[],
  keyNode = false,
): { line: number; column: number } {
  const node = nodeAt(source, path, keyNode);
  const offset = node?.range?.[0] ?? 0;
  const pos = source.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

export const pathString = (path: readonly PathItem[]) => path.map(String).join('.');
