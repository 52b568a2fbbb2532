/** rehearse's public surface. */
export { startApp } from './start-app.js';
export { downApp } from './down.js';
export { parityReport, type Parity } from './parity.js';
export { projectStatus, projectLogs, projectExec, projectRestart } from './project.js';
export { appCost, componentEnv } from './reports.js';
export { doctor } from './doctor.js';
export type { RunningApp, StartOptions, AppEvent, ExecResult, InstanceStatus } from './types.js';
export type { Diagnosis } from '../runtime/diagnose.js';
export { RehearseError, isRehearseError, type ErrorCode } from '../shared/errors.js';
export { loadSpec, findSpec, type AppModel, type Diagnostic, type LoadResult } from '../spec/index.js';
export { loadProfile, type Profile } from '../profile/profile.js';
