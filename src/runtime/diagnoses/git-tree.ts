/**
 * Catalog class 9: production builds from the committed tree ("cloned repo to /workspace"), not from the working
 * folder. A gitignored or uncommitted file the app needs is not there, and neither is a case-only rename git did
 * not record (macOS is case-insensitive; git's core.ignorecase hides the rename). rehearse leaves those files out
 * of the build context as production does, and says which. Git is optional: outside a repository, or in a folder
 * git does not track at all yet, nothing is checked.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

export interface GitTree {
  /** Paths relative to the context, `/`-separated (a directory ends with `/`), with why git would not ship them. */
  unshipped: Map<string, string>;
  /** True for a path (relative, `/`-separated) that the committed tree does not hold. */
  leftOut(rel: string): boolean;
}

function git(cwd: string, args: string[]): string[] | undefined {
  try {
    const out = execFileSync('git', ['-C', cwd, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 256 * 1024 * 1024,
      timeout: 20_000,
    });
    return out.split('\0').filter(Boolean);
  } catch {
    return undefined; // not a repository, or no git
  }
}

export function gitTree(context: string): GitTree | undefined {
  const tracked = git(context, ['ls-files', '-z', '--cached']);
  if (!tracked?.length) return undefined;
  const unshipped = new Map<string, string>();
  const byLower = new Map(tracked.map((t) => [t.toLowerCase(), t]));
  const renamed = (onDisk: string, committed: string) =>
    unshipped.set(onDisk, `git has ${committed}: a case-only rename git did not record; git mv it`);
  for (const p of git(context, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']) ?? [])
    unshipped.set(p, 'gitignored');
  for (const p of git(context, ['ls-files', '-z', '--others', '--exclude-standard']) ?? []) {
    const committed = byLower.get(p.toLowerCase());
    if (committed && committed !== p) renamed(p, committed);
    else unshipped.set(p, 'not committed');
  }
  // A directory git lists beside files of its own (one holding only ignored files) is named by those files.
  for (const d of [...unshipped.keys()].filter((p) => p.endsWith('/')))
    if ([...unshipped.keys()].some((p) => p !== d && p.startsWith(d))) unshipped.delete(d);
  // On a case-insensitive filesystem git reports no untracked file for a case-only rename: compare the names.
  const listings = new Map<string, Set<string>>();
  for (const t of tracked) {
    const dir = path.posix.dirname(t);
    let names = listings.get(dir);
    if (!names) {
      names = new Set(readdirSafe(path.join(context, dir)));
      listings.set(dir, names);
    }
    const base = path.posix.basename(t);
    if (names.has(base)) continue;
    const onDisk = [...names].find((n) => n.toLowerCase() === base.toLowerCase());
    if (onDisk) renamed(dir === '.' ? onDisk : `${dir}/${onDisk}`, t);
  }
  return {
    unshipped,
    leftOut(rel) {
      if (unshipped.has(rel) || unshipped.has(`${rel}/`)) return true;
      for (let i = rel.indexOf('/'); i > 0; i = rel.indexOf('/', i + 1))
        if (unshipped.has(rel.slice(0, i + 1))) return true;
      return false;
    },
  };
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The notice for the files a build left out, those the context would otherwise have sent; undefined if none. */
export function gitTreeNotice(
  component: string,
  tree: GitTree,
  dockerIgnored: (rel: string) => boolean,
): string | undefined {
  const shown = [...tree.unshipped].filter(([p]) => !dockerIgnored(p.replace(/\/$/, '')));
  if (!shown.length) return undefined;
  const list = shown
    .slice(0, 4)
    .map(([p, why]) => `${p} (${why})`)
    .join(', ');
  const more = shown.length > 4 ? ` and ${shown.length - 4} more` : '';
  return `${component}'s build left out ${shown.length === 1 ? 'a file' : `${shown.length} files`} of its folder that git would not ship, as production builds from the committed tree: ${list}${more}.\nCommit what the app needs, or produce it in the Dockerfile or build_command.`;
}
