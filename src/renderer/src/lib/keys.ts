/** Ctrl+<key> on Windows/Linux, Cmd+<key> on macOS; Shift must match exactly. */
export function isShortcut(
  event: KeyboardEvent | React.KeyboardEvent,
  key: string,
  opts: { shift?: boolean } = {}
): boolean {
  return (
    (event.ctrlKey || event.metaKey) &&
    !event.altKey &&
    event.shiftKey === Boolean(opts.shift) &&
    event.key.toLowerCase() === key.toLowerCase()
  )
}

/** "Ctrl+Shift+S" or "⌘⇧S", for hints next to buttons. */
export function shortcutLabel(key: string, opts: { shift?: boolean } = {}): string {
  const mac = /Mac|iPhone|iPad/.test(globalThis.navigator?.platform ?? '')
  if (mac) return `⌘${opts.shift ? '⇧' : ''}${key.toUpperCase()}`
  return `Ctrl+${opts.shift ? 'Shift+' : ''}${key.toUpperCase()}`
}
