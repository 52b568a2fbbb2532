import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** ../shared beside the project, as on every developer machine and in CI. */
export const SHARED = process.env.REHEARSE_SHARED ?? path.resolve(ROOT, '../shared');
export const CORPUS = path.join(SHARED, 'corpus');
