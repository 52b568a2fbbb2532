/**
 * Which buildpack builds a component without a Dockerfile, decided the way App Platform decides: a language's
 * buildpack takes the app when its files are there (Heroku's classic `bin/detect` lists, which DigitalOcean
 * wraps for Cloud Native Buildpacks: research databases-buildpacks-failures.md B.2, B.3), in Heroku's default
 * order (Ruby, Node.js, Python, PHP, Go), and a plain folder of HTML is a static site. An `environment_slug` in
 * the spec names the buildpack the platform recorded; its files must still be there, as the platform detects
 * again on every build. Nothing matches: the platform's own words (B.2, "could not detect app files").
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { RehearseError } from '../../shared/errors.js';
import type { ComponentModel } from '../../spec/model.js';

export type Language = 'ruby' | 'node-js' | 'python' | 'php' | 'go' | 'html';

/** The files each buildpack's detect script looks for (bin/detect of each heroku-buildpack; html: an index.html). */
const DETECT: [Language, string[]][] = [
  ['ruby', ['Gemfile']],
  ['node-js', ['package.json']],
  [
    'python',
    [
      'requirements.txt',
      'setup.py',
      'Pipfile',
      'pyproject.toml',
      'uv.lock',
      'poetry.lock',
      'manage.py',
      'app.py',
      'main.py',
    ],
  ],
  ['php', ['composer.json', 'index.php']],
  ['go', ['go.mod', 'Godeps/Godeps.json', 'vendor/vendor.json', 'glide.yaml', 'Gopkg.lock']],
  ['html', ['index.html']],
];

/** Slugs the spec may name, mapped to the buildpack that builds them. */
const SLUG: Record<string, Language> = {
  'node-js': 'node-js',
  nodejs: 'node-js',
  python: 'python',
  go: 'go',
  golang: 'go',
  html: 'html',
  php: 'php',
  ruby: 'ruby',
  'ruby-on-rails': 'ruby',
};

export interface Detection {
  language: Language;
  /** The file that decided it, or the slug. */
  evidence: string;
}

const has = (dir: string, f: string) => existsSync(path.join(dir, f));

export function detectBuildpack(c: ComponentModel): Detection {
  if (c.build.kind !== 'buildpack') throw new Error(`${c.name} is not a buildpack component`);
  const slug = c.build.environmentSlug;
  const language = slug ? SLUG[slug] : undefined;
  if (slug && (!language || language === 'php' || language === 'ruby'))
    throw new RehearseError(
      'BUILD_UNSUPPORTED',
      `"${c.name}" names environment_slug ${slug}, which rehearse's buildpack stand-in does not build`,
      { hint: unsupportedHint(c, slug) },
    );
  const dir = c.build.context;
  if (!existsSync(dir))
    throw new RehearseError('FILE_MISSING', `source_dir of "${c.name}" does not exist: ${dir}`, {
      hint: 'source_dir is relative to the repository root',
    });
  if (language) {
    const files = DETECT.find(([l]) => l === language)![1];
    const found = files.find((f) => has(dir, f));
    if (!found) throw nothingDetected(c, `environment_slug ${slug} needs one of ${files.join(', ')}`);
    return { language, evidence: `environment_slug ${slug} (${found})` };
  }
  for (const [language, files] of DETECT) {
    const found = files.find((f) => has(dir, f));
    if (found) return { language, evidence: found };
  }
  // A static site whose files sit in a folder of their own is still a static site.
  if (c.kind === 'static_site' && readdirSync(dir).some((f) => f.endsWith('.html')))
    return { language: 'html', evidence: 'HTML files' };
  throw nothingDetected(c, 'no package.json, requirements.txt, go.mod, index.html, ...');
}

function nothingDetected(c: ComponentModel, why: string) {
  return new RehearseError(
    'BUILD_FAILED',
    `could not detect app files that match known buildpacks for "${c.name}" (${why}), as App Platform's build says`,
    {
      hint: `check source_dir of "${c.name}" (line ${c.line}): it must be the folder holding the app's package.json, requirements.txt or go.mod`,
    },
  );
}

export function unsupportedHint(c: ComponentModel, slug: string) {
  return `rehearse builds node-js, python, go and static sites the way the buildpacks do, not ${slug}: add a Dockerfile to the component's source_dir and set dockerfile_path for "${c.name}" (line ${c.line}); App Platform builds that Dockerfile too`;
}
