/** rehearse's public surface. */
export { startApp, type RunningApp, type StartOptions, type AppEvent } from './start-app.js';
export { RehearseError, isRehearseError, type ErrorCode } from '../shared/errors.js';
export { loadSpec, findSpec, type AppModel, type Diagnostic, type LoadResult } from '../spec/index.js';
export { loadProfile, type Profile } from '../profile/profile.js';
