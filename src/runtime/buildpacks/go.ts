/**
 * heroku-buildpack-go: the Go version from go.mod's `go` line, `go install` of the packages named by a
 * `// +heroku install` comment in go.mod (default `.`) into bin/, a default web process `bin/<last element of the
 * module path>`, and a run image without the toolchain. Offline, Go comes from Debian's golang-go (research B.5).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RehearseError } from '../../shared/errors.js';
import { aptInstall, type LanguagePlan, type PlanInput } from './types.js';

export function goPlan({ c, dir }: PlanInput): LanguagePlan {
  const file = path.join(dir, 'go.mod');
  if (!existsSync(file))
    throw new RehearseError('BUILD_UNSUPPORTED', `"${c.name}" is a Go app without go.mod`, {
      hint: `rehearse's buildpack stand-in builds Go modules: run "go mod init", or add a Dockerfile for "${c.name}"`,
    });
  const mod = readFileSync(file, 'utf8');
  const module = /^\s*module\s+(\S+)/m.exec(mod)?.[1]?.replace(/^"|"$/g, '');
  const asked = /^\s*go\s+(\d+\.\d+(?:\.\d+)?)/m.exec(mod)?.[1];
  const targets = /\/\/\s*\+heroku\s+install\s+(.+)$/m.exec(mod)?.[1]?.trim() ?? '.';
  const minor = asked?.split('.').slice(0, 2).join('.');
  const name = module?.split('/').pop();
  return {
    buildpack: 'heroku/go (heroku-buildpack-go)',
    version: {
      ...(asked ? { asked } : {}),
      from: asked ? 'the go line of go.mod' : 'no go line in go.mod',
      buildpackDefault: "the go.mod's version (the buildpack installs the Go it names)",
    },
    images: [...(minor ? [`golang:${minor}-bookworm`] : []), 'debian:bookworm-slim'],
    // The golang images carry Go; on Debian it is the golang-go package.
    toolchain: [`RUN command -v go >/dev/null 2>&1 || (${aptInstall('golang-go ca-certificates')})`],
    // GOTOOLCHAIN=local: a newer go line must not make Go download another toolchain in the middle of a build.
    build: [
      `RUN GOBIN=/workspace/bin GOTOOLCHAIN=local GOFLAGS=-buildvcs=false PATH="$PATH:/usr/local/go/bin" go install -v ${targets}`,
    ],
    env: {},
    ...(targets === '.' && name
      ? { start: { command: `/workspace/bin/${name}`, from: 'the binary go install made' } }
      : {}),
    runImage: 'debian:bookworm-slim',
    notes: ['the run image is Debian 12 with the built binaries; production runs them on Ubuntu 22.04'],
  };
}
