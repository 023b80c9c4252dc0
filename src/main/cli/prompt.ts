import { createInterface } from 'node:readline/promises'

/**
 * Asks a yes/no question on the terminal; anything but y/yes is no, and so is Ctrl-C (readline
 * takes it from the terminal: without this the question would hang, paused, instead of ending).
 */
export async function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  const cancel = new AbortController()
  rl.on('SIGINT', () => cancel.abort())
  try {
    return /^y(es)?$/i.test((await rl.question(question, { signal: cancel.signal })).trim())
  } catch (error) {
    if (cancel.signal.aborted) {
      process.stderr.write('\n')
      return false
    }
    throw error
  } finally {
    rl.close()
  }
}
