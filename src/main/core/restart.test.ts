import { afterEach, describe, expect, it } from 'vitest'
import { startTestCore, type TestCore } from './testing'

let app: TestCore | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

describe('restarting to install an update', () => {
  it('asks the updater to quit and install when the copy has one', async () => {
    let restarts = 0
    app = startTestCore({ restartToUpdate: () => restarts++ })
    await expect(app.call('app.restartToUpdate', {})).resolves.toEqual({ ok: true })
    expect(restarts).toBe(1)
  })

  it('says so when this copy does not update itself (development, the browser demo)', async () => {
    app = startTestCore()
    await expect(app.call('app.restartToUpdate', {})).rejects.toThrow('does not update itself')
  })
})
