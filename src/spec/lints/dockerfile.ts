/** Just enough of a Dockerfile reader for lints: instructions with their line, continuations joined. */
import { existsSync, readFileSync } from 'node:fs';

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export function readDockerfile(file: string): Instruction[] {
  return existsSync(file) ? parseDockerfile(readFileSync(file, 'utf8')) : [];
}

/** A Dockerfile's text as instructions (for a caller that already holds the text). */
export function parseDockerfile(source: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i]!;
    if (/^\s*(#|$)/.test(text)) continue;
    while (/\\\s*$/.test(text) && i + 1 < lines.length) text = text.replace(/\\\s*$/, ' ') + lines[++i]!;
    const m = /^\s*(\w+)\s*(.*)$/.exec(text);
    if (m) out.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start + 1 });
  }
  return out;
}

/** The command a container runs: the last CMD/ENTRYPOINT of the final stage. */
export function finalStage(ins: Instruction[]): Instruction[] {
  const from = ins.map((x) => x.keyword).lastIndexOf('FROM');
  return ins.slice(Math.max(0, from));
}

export const isExecForm = (args: string) => /^\[.*\]$/s.test(args.trim());
