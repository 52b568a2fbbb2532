/**
 * Imported first by main.ts, so it runs before any module that builds a zod schema: a schema decides at
 * construction whether it will compile a validator to code. A CLI run parses a profile and a spec once, and
 * compiling first costs more (~16 ms of every start here) than it saves. The CLI owns its process, so it may
 * set this; the library never touches zod's config.
 */
import { z } from 'zod';

z.config({ jitless: true });
