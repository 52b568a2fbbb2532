/**
 * The component kinds, listed once: the spec's lists, the word a diagnostic uses for an entry of each, and the
 * lists rehearse builds with the kind of model their entries become.
 */
import type { ComponentKind } from './model.js';
import type { AppSpec } from './schema.js';

/** Every list of the spec that names components (their names share one namespace). */
export const COMPONENT_LISTS = ['services', 'workers', 'jobs', 'static_sites', 'functions', 'databases'] as const;
export type ComponentList = (typeof COMPONENT_LISTS)[number];

/** One entry of a list, in a sentence: "the service web". */
export const COMPONENT_WORD: Record<ComponentList, string> = {
  services: 'service',
  workers: 'worker',
  jobs: 'job',
  static_sites: 'static site',
  functions: 'functions component',
  databases: 'database',
};

/** The lists rehearse builds and runs, with the model kind of their entries (functions are not emulated). */
export const BUILT_LISTS = [
  ['services', 'service'],
  ['workers', 'worker'],
  ['jobs', 'job'],
  ['static_sites', 'static_site'],
] as const satisfies readonly (readonly [keyof AppSpec, ComponentKind])[];

/** The built lists whose entries run a container with a start command (a static site is served, not run). */
export const CONTAINER_LISTS = BUILT_LISTS.flatMap(([list, kind]) => (kind === 'static_site' ? [] : [list]));
