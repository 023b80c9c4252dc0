import type { ChannelProbe } from '../../shared/channels'
import type { HqClient } from '../hq/client'
import type { InviteClient } from './channels'

/** The outbox's view of the HQ client: its sending calls, and HQ's lists as sets of usernames. */
export function inviteClientOf(hq: HqClient): InviteClient {
  return {
    register: (request, signal) => hq.register(request, signal),
    uploadUsers: (workbook, signal) => hq.uploadUsers(workbook, signal),
    createUser: (body, signal) => hq.createUser(body, signal),
    resendConfirmationEmail: (id, signal) => hq.resendConfirmationEmail(id, signal),
    async listAccounts(archived, signal) {
      const accounts = new Map<string, string[]>()
      await hq.listWorkers({
        archived,
        ...(signal ? { signal } : {}),
        onPage: (page) => {
          for (const w of page.workers) {
            const phones = [...w.phone_numbers, ...(w.default_phone_number ? [w.default_phone_number] : [])]
            accounts.set(w.username.toLowerCase(), phones)
          }
        }
      })
      return accounts
    }
  }
}

/** What a connection test found, as a project stores it. */
export async function probeChannels(hq: HqClient, signal?: AbortSignal): Promise<ChannelProbe> {
  const report = await hq.checkAccess(signal)
  return { offers: report.offers, message: report.message, probedAt: new Date().toISOString() }
}
