/** Another sync of the same project is running (in this process or another one on the same file). */
export class SyncBusyError extends Error {
  readonly kind = 'busy'
  constructor(label: string) {
    super(`A sync of '${label}' is already running. Wait for it to finish or cancel it.`)
    this.name = 'SyncBusyError'
  }
}

/**
 * HQ's list did not add up (the workers seen differ from the count HQ reported, even after
 * reading it again): removing the workers we did not see could remove real ones.
 */
export class IncompleteListError extends Error {
  readonly kind = 'incomplete'
  constructor(list: 'active' | 'archived', seen: number, total: number) {
    super(
      `HQ's list of ${list} workers kept changing while Roster read it (${seen} of ${total} workers seen). ` +
        'Workers already on this computer were kept and nothing was removed; sync again in a few minutes.'
    )
    this.name = 'IncompleteListError'
  }
}

/**
 * Why a sync (or a send) is stopped when Roster closes, so the run can say so and the next
 * start picks it up, unlike the coordinator's Cancel. An AbortError like any other abort.
 */
export class AppClosing extends DOMException {
  constructor() {
    super('Roster is closing.', 'AbortError')
  }
}

/**
 * The run was closed by another sync that took it for abandoned (this process slept or hung
 * past the heartbeat limit): it stops writing at once and leaves the newer run's work alone.
 */
export class RunTakenOver extends Error {
  readonly kind = 'taken-over'
  constructor() {
    super('This sync stopped answering and a newer one took over; it changed nothing more.')
    this.name = 'RunTakenOver'
  }
}
