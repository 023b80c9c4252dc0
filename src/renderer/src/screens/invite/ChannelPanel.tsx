import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import {
  CHANNELS,
  resolveChannel,
  type Channel,
  type ChannelChoice,
  type ChannelOffers
} from '../../../../shared/channels'
import type { Project } from '../../../../shared/domain'
import { useApi } from '../../api/context'
import { toApiError } from '../../api/hooks'

/** The channel a project's batches go through now (null: not probed, or the server offers none). */
export function projectChannel(project: Pick<Project, 'channel' | 'channelProbe'>): Channel | null {
  return resolveChannel(project.channel, project.channelProbe?.offers ?? null)
}

/**
 * Channels the coordinator may choose: what the probe found, plus the one chosen already (kept
 * so the select can show it). E-mail confirmation the probe could not tell about is offered too:
 * HQ answers the first request of a batch either way.
 */
export function choosableChannels(offers: ChannelOffers | null, chosen: ChannelChoice): Channel[] {
  return CHANNELS.filter((c) => c === chosen || (offers !== null && offers[c] !== false))
}

/**
 * A channel's name in the coordinator's language, from the common catalogue (the Projects screen
 * names channels too). The shared CHANNEL_NAMES stay the core's and the CLI's English words.
 */
export function useChannelName(): (channel: Channel) => string {
  const { t } = useTranslation('invite')
  return (channel) => t(`common:channels.${channel}`)
}

// The probe's message is the core's words, shown as the core sends it.
function why(t: TFunction<'invite'>, project: Project, channel: Channel | null): string {
  const probe = project.channelProbe
  if (project.channel !== 'auto') return t('channel.chosen')
  if (!probe) return ''
  return channel ? t('channel.chosenAutomatically', { message: probe.message }) : probe.message
}

/**
 * Which of HQ's ways of onboarding workers this project's batches use, why, what it needs and
 * does, and the choice of another one the server offers (or back to automatic).
 */
export function ChannelPanel({
  project,
  onProjectUpdated,
  disabled
}: {
  project: Project
  onProjectUpdated: (project: Project) => void
  disabled?: boolean
}) {
  const api = useApi()
  const { t } = useTranslation('invite')
  const channelName = useChannelName()
  const selectId = useId()
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const channel = projectChannel(project)
  const offers = project.channelProbe?.offers ?? null
  const choices = choosableChannels(offers, project.channel)
  const [probing, setProbing] = useState(false)

  // Asking the server what it offers changes nothing there (Test connection's probes), so a project
  // never tested (one saved by an earlier Roster, say) is tested once, by itself, on arrival.
  const testServer = useCallback(() => {
    setProbing(true)
    setError(null)
    api
      .call('projects.test', { projectId: project.id })
      .then(() => api.call('projects.list', {}))
      .then(
        (projects) => {
          setProbing(false)
          const fresh = projects.find((p) => p.id === project.id)
          if (fresh) onProjectUpdated(fresh)
        },
        (e: unknown) => {
          setProbing(false)
          setError(t('channel.testFailed', { error: toApiError(e).message }))
        }
      )
  }, [api, project.id, onProjectUpdated, t])
  const tested = useRef<string | null>(null)
  useEffect(() => {
    if (project.channelProbe || !project.hasKey || tested.current === project.id) return
    tested.current = project.id
    testServer()
  }, [project.channelProbe, project.hasKey, project.id, testServer])

  const choose = (value: ChannelChoice) => {
    if (value === project.channel) return
    setSaving(true)
    setError(null)
    api.call('projects.update', { projectId: project.id, channel: value }).then(
      (updated) => {
        setSaving(false)
        onProjectUpdated(updated)
      },
      (e: unknown) => {
        setSaving(false)
        setError(t('channel.saveFailed', { error: toApiError(e).message }))
      }
    )
  }

  const automatic = offers === null ? null : resolveChannel('auto', offers)
  const autoLabel =
    offers === null
      ? t('channel.autoUntested')
      : automatic
        ? t('channel.auto', { channel: channelName(automatic) })
        : t('channel.autoNone')

  return (
    <section className="ichannel" aria-label={t('channel.label')} data-testid="channel">
      <h2 className="isend-title">{t('channel.title')}</h2>
      {channel ? (
        <>
          <p className="ichannel-name" data-testid="channel-name">
            <strong>{channelName(channel)}</strong>
          </p>
          <p className="ichannel-does small">{t(`channel.description.${channel}`)}</p>
        </>
      ) : (
        <p className="callout callout-warn ichannel-none" data-testid="channel-none">
          {project.channelProbe
            ? t('channel.noneOffered', { message: project.channelProbe.message })
            : probing
              ? t('channel.probing')
              : t('channel.untested')}
          {!project.channelProbe && !probing && project.hasKey && (
            <>
              {' '}
              <button type="button" className="btn btn-small" onClick={testServer} disabled={disabled}>
                {t('channel.test')}
              </button>
            </>
          )}
        </p>
      )}
      {why(t, project, channel) && (
        <p className="ichannel-why muted small" data-testid="channel-why">
          {why(t, project, channel)}
        </p>
      )}
      {error && !(offers !== null || project.channel !== 'auto') && (
        <div className="field-error">{error}</div>
      )}
      {(offers !== null || project.channel !== 'auto') && (
        <div className="field ichannel-choice">
          <label htmlFor={selectId}>{t('channel.sendThrough')}</label>
          <select
            id={selectId}
            value={project.channel}
            disabled={disabled || saving}
            onChange={(e) => choose(e.target.value as ChannelChoice)}
          >
            <option value="auto">{autoLabel}</option>
            {choices.map((c) => (
              <option key={c} value={c}>
                {channelName(c)}
                {offers && offers[c] === null ? ` ${t('channel.unconfirmed')}` : ''}
                {offers && offers[c] === false ? ` ${t('channel.notOffered')}` : ''}
              </option>
            ))}
          </select>
          {error && <div className="field-error">{error}</div>}
        </div>
      )}
    </section>
  )
}
