import { parsePhoneNumberFromString } from 'libphonenumber-js/min'

const counts = new Intl.NumberFormat('en-US')

/** 2345 -> "2,345" */
export function formatCount(n: number): string {
  return counts.format(n)
}

/** "1 worker" / "2,345 workers" */
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

/** "today 14:32", "yesterday 09:05", "3 Mar 14:32", "3 Mar 2024 14:32" */
export function formatWhen(iso: string, now: Date = new Date()): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const clock = formatClock(d)
  if (sameDay(d, now)) return `today ${clock}`
  const yesterday = new Date(now)
  yesterday.setDate(now.getDate() - 1)
  if (sameDay(d, yesterday)) return `yesterday ${clock}`
  const month = d.toLocaleString('en-GB', { month: 'short' })
  const year = d.getFullYear() === now.getFullYear() ? '' : ` ${d.getFullYear()}`
  return `${d.getDate()} ${month}${year} ${clock}`
}

/** 850 -> "under 1 s", 64000 -> "1 min 4 s", 3720000 -> "1 h 2 min" */
export function formatDuration(ms: number): string {
  if (ms < 1000) return 'under 1 s'
  const totalSeconds = Math.round(ms / 1000)
  if (totalSeconds < 60) return `${totalSeconds} s`
  const minutes = Math.floor(totalSeconds / 60)
  const seconds = totalSeconds % 60
  if (minutes < 60) return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  return rest ? `${hours} h ${rest} min` : `${hours} h`
}

/** Seconds left -> "about 2 min left" */
export function formatEta(seconds: number): string {
  if (seconds < 5) return 'a few seconds left'
  if (seconds < 60) return `about ${Math.round(seconds / 5) * 5} s left`
  return `about ${formatDuration(Math.round(seconds / 60) * 60_000)} left`
}

/** "+254712345678" -> "+254 712 345 678"; anything unreadable is shown as HQ had it. */
export function formatPhone(phone: string): string {
  if (!phone.startsWith('+')) return phone
  const parsed = parsePhoneNumberFromString(phone)
  return parsed?.isPossible() ? parsed.formatInternational() : phone
}
