/**
 * Paths in a spec (source_dir, dockerfile_path) are relative to the repository root, whatever form they take:
 * the platform reads `/`, `/backend`, `./backend`, `.` and `backend` alike (20 of the 135 real specs in the corpus
 * say `source_dir: /`). A leading slash names the repository root, never the filesystem's.
 */
import path from 'node:path';

export function inRepo(root: string, rel: string | undefined): string {
  return path.resolve(root, (rel ?? '.').replace(/^[/\\]+/, '') || '.');
}
