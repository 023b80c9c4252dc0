export { syncProject, isSyncRunning, type SyncClient, type SyncOptions } from './syncProject'
export { AppClosing, SyncBusyError, IncompleteListError, RunTakenOver } from './errors'
export { ProgressReporter, type SyncPhase } from './progress'
