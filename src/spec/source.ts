/**
 * Reads a spec file into a YAML document with a line counter, so that any field path can be turned back into
 * `file:line:col`. Deploy templates (`.do/deploy.template.yaml`) keep the spec under a top-level `spec:` key;
 * `root` is the path prefix where the app spec starts.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic } from './diagnostics.js';

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
    return {
      file,
      line: pos.line,
      column: pos.col,
      path: '',
      severity: 'error',
      code: `yaml/${e.code.toLowerCase().replaceAll('_', '-')}`,
      message: `YAML syntax: ${firstLine(e.message)}`,
      hint: yamlHint(e.code),
    };
  });
  const top = doc.contents;
  const isTemplate = isMap(top) && top.has('spec') && !top.has('name') && isMap(top.get('spec', true));
  return { source: { file, text, doc, lines, root: isTemplate ? ['spec'] : [] }, diagnostics };
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
