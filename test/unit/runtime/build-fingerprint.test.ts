/** Which images a Dockerfile depends on by name: they are part of an unchanged build's fingerprint. */
import { expect, it } from 'vitest';
import { externalImages } from '../../../src/runtime/build-fingerprint.js';
import { parseDockerfile } from '../../../src/spec/lints/dockerfile.js';

const ins = (text: string) => parseDockerfile(text.trim());

it('names FROM bases and COPY --from images, not the stages of the Dockerfile itself', () => {
  expect(
    externalImages(
      ins(`
FROM --platform=linux/amd64 node:20 AS deps
RUN npm ci
FROM python:3.11-slim as build
COPY --from=deps /app/node_modules ./node_modules
COPY --from=0 /x /x
COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/
FROM build
FROM scratch
COPY --from=build /out /`),
    ),
  ).toEqual(['node:20', 'python:3.11-slim', 'nginx:1.27']);
});

it('gives up where only a build can tell: an image named by an ARG, an ADD of a URL or a git repo', () => {
  expect(externalImages(ins('ARG BASE=node:20\nFROM $BASE'))).toBeUndefined();
  expect(externalImages(ins('FROM node:20\nCOPY --from=${IMG} /a /a'))).toBeUndefined();
  expect(externalImages(ins('FROM node:20\nADD https://example.com/x.tgz /x'))).toBeUndefined();
  expect(externalImages(ins('FROM node:20\nADD git@github.com:a/b.git /src'))).toBeUndefined();
  expect(externalImages(ins('FROM node:20\nADD ./local.tgz /x'))).toEqual(['node:20']);
});
