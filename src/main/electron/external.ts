/**
 * The last step before the system browser: the core already allowed only HQ pages of a synced
 * project (core/externalLinks); here nothing but an https URL (http only for the simulator, when
 * plain-HTTP loopback is allowed) reaches shell.openExternal, whatever the caller passed.
 */
export async function openExternalChecked(
  url: string,
  open: (url: string) => Promise<void>,
  allowHttpLoopback: boolean
): Promise<void> {
  if (!URL.canParse(url)) throw new Error('Roster opens only web pages.')
  const target = new URL(url)
  const ok = target.protocol === 'https:' || (allowHttpLoopback && target.protocol === 'http:')
  if (!ok || target.username || target.password) throw new Error('Roster opens only https:// pages of HQ.')
  await open(target.toString())
}
