import { Menu, type MenuItemConstructorOptions } from 'electron'

/** The usual menus and shortcuts; the app's own shortcuts (Ctrl/Cmd+F, Ctrl/Cmd+Shift+S) live in the renderer. */
export function installMenu(opts: { dev: boolean; checkForUpdates: () => void; showLogs: () => void }): void {
  const isMac = process.platform === 'darwin'
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      // No reload outside development: Ctrl+R would throw away an unsaved import grid.
      submenu: [
        ...(opts.dev
          ? [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }, { type: 'separator' as const }]
          : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' }
      ]
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Check for Updates…', click: () => opts.checkForUpdates() },
        { label: 'Show Logs', click: () => opts.showLogs() }
      ]
    }
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}
