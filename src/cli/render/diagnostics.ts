/** Diagnostics as a person reads them: `file:line:col  severity  message`, the source line, then the fix. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import type { Diagnostic } from '../../spec/index.js';

const MARK = { error: pc.red('error'), warning: pc.yellow('warning'), info: pc.cyan('info') } as const;

export function renderDiagnostics(ds: readonly Diagnostic[], cwd = process.cwd()): string {
  const cache = new Map<string, string[]>();
  const lineOf = (file: string, n: number) => {
    if (!cache.has(file)) {
      try {
        cache.set(file, readFileSync(file, 'utf8').split('\n'));
      } catch {
        cache.set(file, []);
      }
    }
    return cache.get(file)![n - 1];
  };
  const out: string[] = [];
  for (const d of [...ds].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)) {
    const where = `${path.relative(cwd, d.file) || d.file}:${d.line}:${d.column}`;
    out.push(`${pc.bold(where)}  ${MARK[d.severity]}  ${d.message}${d.path ? pc.dim(`  [${d.path}]`) : ''}`);
    const src = lineOf(d.file, d.line);
    if (src !== undefined && src.trim()) {
      out.push(pc.dim(`  ${String(d.line).padStart(4)} | `) + src);
      out.push(pc.dim('       | ') + ' '.repeat(Math.max(0, d.column - 1)) + pc.red('^'));
    }
    if (d.hint) out.push(`  ${pc.green('fix:')} ${d.hint}`);
  }
  return out.join('\n');
}

export function summary(ds: readonly Diagnostic[]): string {
  const n = (s: Diagnostic['severity']) => ds.filter((d) => d.severity === s).length;
  return `${n('error')} error(s), ${n('warning')} warning(s)`;
}
