/**
 * Which channel `roster invite` sends through: --channel, else the project's choice; `auto`
 * resolves with what the server offers, probing first (and storing the answer) when the project
 * was never probed.
 */
import {
  CHANNEL_NAMES,
  ChannelChoiceSchema,
  resolveChannel,
  type Channel,
  type ChannelChoice
} from '../../shared/channels'
import type { Db } from '../db/open'
import { getProject, saveChannelProbe, type ProjectRecord } from '../db/projects'
import type { HqClient } from '../hq/client'
import { probeChannels } from '../invite'
import { Failure, UsageError } from './io'

/** --channel's value, checked. */
export function parseChannelChoice(value: string | undefined): ChannelChoice | undefined {
  if (value === undefined) return undefined
  const parsed = ChannelChoiceSchema.safeParse(value.trim().toLowerCase())
  if (!parsed.success) {
    throw new UsageError(
      `--channel ${value}: use auto, sms-registration, sms-confirmation or email-confirmation`
    )
  }
  return parsed.data
}

/** Asks HQ what it offers and keeps the answer on the project. */
export async function probeAndStore(
  db: Db,
  project: ProjectRecord,
  client: HqClient
): Promise<ProjectRecord> {
  const probe = await probeChannels(client)
  saveChannelProbe(db, project.id, probe)
  return getProject(db, project.id) ?? project
}

/** The channel to use, and the project as it is after any probe. */
export async function chooseChannel(
  db: Db,
  project: ProjectRecord,
  choice: ChannelChoice | undefined,
  client: HqClient
): Promise<{ channel: Channel; project: ProjectRecord }> {
  const wanted = choice ?? project.channel
  let current = project
  if (wanted === 'auto' && !current.channelProbe) current = await probeAndStore(db, current, client)
  const channel = resolveChannel(wanted, current.channelProbe?.offers ?? null)
  if (!channel) {
    throw new Failure(
      `${current.channelProbe?.message ?? 'The server offers no way to invite workers.'} ` +
        `Roster cannot invite workers in ${current.domain} (see roster check).`
    )
  }
  return { channel, project: current }
}

export const channelName = (channel: Channel): string => CHANNEL_NAMES[channel]
