import { describe, expect, it } from 'vitest'
import { IncompleteListError, SyncBusyError } from '../sync/errors'
import { classifyError, reportError } from './errors'

describe('classifyError', () => {
  it('counts another sync holding the project as a failure (exit 1) with its own words, not a bug', () => {
    const lines: string[] = []
    const code = reportError('sync', new SyncBusyError('demo'), { stderr: (s) => void lines.push(s) })
    expect(code).toBe(1)
    expect(lines.join('')).toBe(
      "roster sync: A sync of 'demo' is already running. Wait for it to finish or cancel it.\n"
    )
  })

  it('counts a worker list that kept changing as a failure', () => {
    expect(classifyError(new IncompleteListError('active', 9, 10))).toBe('failure')
  })

  it('still counts an unexpected exception as internal', () => {
    expect(classifyError(new TypeError('x is undefined'))).toBe('internal')
  })
})
