import { parsePhoneNumberFromString } from 'libphonenumber-js/min'
import { currentLanguage, i18n } from '../i18n'

/*
 * Numbers, dates and durations in the language the screen shows (read at each call, so a
 * component re-rendered by a language change formats in the new one).
 */
const t = (key: string, values?: Record<string, unknown>) => i18n.t(key, { ns: 'common', ...values })

const numberFormats = new Map<string, Intl.NumberFormat>()

/** 2345 -> "2,345" in English, "2 345" in French, "2345" in Spanish (which groups from 5 digits). */
export function formatCount(n: number): string {
  const lng = currentLanguage()
  let format = numberFormats.get(lng)
  if (!format) numberFormats.set(lng, (format = new Intl.NumberFormat(lng)))
  return format.format(n)
}

/**
 * "1 worker" / "2,345 workers" — English only: a sentence gets an i18next plural instead
 * (a key with _one / _other forms, given the count), as other languages do not just add an "s".
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()
}

/** hh:mm in 24-hour form, which reads the same to coordinators everywhere. */
export function formatClock(at: Date | number): string {
  const d = typeof at === 'number' ? new Date(at) : at
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

/** The day and month (and the year when it is not this one), as the language writes them. */
function formatDay(d: Date, withYear: boolean): string {
  const lng = currentLanguage()
  // English as Roster always wrote it ("3 Mar 2024"), not the US month-first order.
  const locale = lng === 'en' ? 'en-GB' : lng
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    ...(withYear ? { year: 'numeric' } : {})
  }).format(d)
}

/** "today 14:32", "yesterday 09:05", "3 Mar 14:32", "3 Mar 2024 14:32" (or "aujourd’hui 14:32", "3 mars 14:32"…) */
export function formatWhen(iso: string, now: Date = new Date()): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const clock = formatClock(d)
  if (sameDay(d, now)) return t('when.today', { clock })
  const yesterday = new Date(now)
  yesterday.setDate(now.getDate() - 1)
  if (sameDay(d, yesterday)) return t('when.yesterday', { clock })
  return t('when.date', { day: formatDay(d, d.getFullYear() !== now.getFullYear()), clock })
}

/** 850 -> "under 1 s", 64000 -> "1 min 4 s", 3720000 -> "1 h 2 min" */
export function formatDuration(ms: number): string {
  if (ms < 1000) return t('duration.underSecond')
  const n = formatCount
  const totalSeconds = Math.round(ms / 1000)
  if (totalSeconds < 60) return `${n(totalSeconds)} s`
  const minutes = Math.floor(totalSeconds / 60)
  const seconds = totalSeconds % 60
  if (minutes < 60) return seconds ? `${n(minutes)} min ${n(seconds)} s` : `${n(minutes)} min`
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  return rest ? `${n(hours)} h ${n(rest)} min` : `${n(hours)} h`
}

/** Seconds left -> "about 2 min left" */
export function formatEta(seconds: number): string {
  if (seconds < 5) return t('eta.fewSeconds')
  if (seconds < 60) return t('eta.about', { duration: `${Math.round(seconds / 5) * 5} s` })
  return t('eta.about', { duration: formatDuration(Math.round(seconds / 60) * 60_000) })
}

/** "+254712345678" -> "+254 712 345 678"; anything unreadable is shown as HQ had it. */
export function formatPhone(phone: string): string {
  if (!phone.startsWith('+')) return phone
  const parsed = parsePhoneNumberFromString(phone)
  return parsed?.isPossible() ? parsed.formatInternational() : phone
}
