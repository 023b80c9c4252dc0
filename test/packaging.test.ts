/**
 * The packaging config, read as electron-builder reads it. `npm run package` cannot run here (it
 * downloads Electron), so this is what stops a lost target, fuse or update feed from reaching a
 * release unnoticed.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const require = createRequire(import.meta.url)
// electron-builder's own YAML reader, schema check and ${env.…} expansion.
const yaml = require('js-yaml') as { load(text: string): unknown }
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>
}
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }
const { expandMacro } = require('app-builder-lib/out/util/macroExpander') as {
  expandMacro(pattern: string, arch: string | null, appInfo: object): string
}

const root = join(__dirname, '..')
const configText = readFileSync(join(root, 'electron-builder.yml'), 'utf8')

interface Target {
  target: string
  arch?: string[]
}
interface BuilderConfig {
  files: string[]
  asarUnpack: string[]
  npmRebuild?: boolean
  electronFuses: Record<string, boolean>
  publish: { provider: string; url: string }
  win: { target: Target[]; forceCodeSigning?: boolean; verifyUpdateCodeSignature?: boolean }
  nsis: Record<string, unknown>
  mac: { target: Target[]; notarize?: boolean; hardenedRuntime?: boolean }
  linux: { target: Target[]; maintainer?: string }
}

const config = yaml.load(configText) as BuilderConfig
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}

function archsOf(targets: Target[], name: string): string[] {
  return targets.filter((t) => t.target === name).flatMap((t) => t.arch ?? [])
}

describe('electron-builder.yml', () => {
  it('is a configuration electron-builder accepts', async () => {
    await expect(
      validateConfiguration(structuredClone(config), new DebugLogger(false))
    ).resolves.toBeUndefined()
  })

  it('builds an NSIS installer for Windows that installs per user, with a per-machine choice for IT', () => {
    expect(archsOf(config.win.target, 'nsis')).toContain('x64')
    // oneClick false + perMachine false is what shows the install-mode page.
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: true })
    expect(config.nsis.selectPerMachineByDefault).not.toBe(true)
    expect(config.nsis.deleteAppDataOnUninstall).not.toBe(true)
  })

  it('builds macOS disk images for Intel and Apple silicon, with the zips electron-updater needs', () => {
    expect(archsOf(config.mac.target, 'dmg')).toEqual(expect.arrayContaining(['x64', 'arm64']))
    expect(archsOf(config.mac.target, 'zip')).toEqual(expect.arrayContaining(['x64', 'arm64']))
    expect(config.mac).toMatchObject({ hardenedRuntime: true, notarize: true })
  })

  it('builds a Linux AppImage and a deb package, naming the maintainer a deb requires', () => {
    expect(archsOf(config.linux.target, 'AppImage')).toContain('x64')
    expect(archsOf(config.linux.target, 'deb')).toContain('x64')
    expect(config.linux.maintainer).toMatch(/<.+@.+>/)
  })

  it('sets every Electron fuse that closes a door to code running in our process', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false
    })
  })

  it('unpacks native modules from the asar and rebuilds them for Electron', () => {
    expect(config.asarUnpack).toContain('**/*.node')
    expect(config.npmRebuild).not.toBe(false)
    expect(config.files).toContain('out/**')
  })

  it('publishes to a generic feed whose URL is read from ROSTER_UPDATE_URL when packaging', () => {
    expect(config.publish).toMatchObject({ provider: 'generic', url: '${env.ROSTER_UPDATE_URL}' })
    const saved = process.env.ROSTER_UPDATE_URL
    try {
      process.env.ROSTER_UPDATE_URL = 'https://updates.example.org/roster'
      expect(expandMacro(config.publish.url, null, {})).toBe('https://updates.example.org/roster')
      delete process.env.ROSTER_UPDATE_URL
      expect(() => expandMacro(config.publish.url, null, {})).toThrow(/ROSTER_UPDATE_URL is not defined/)
    } finally {
      if (saved === undefined) delete process.env.ROSTER_UPDATE_URL
      else process.env.ROSTER_UPDATE_URL = saved
    }
  })

  it('signs every Windows build and has updates verify the publisher', () => {
    expect(config.win.forceCodeSigning).toBe(true)
    expect(config.win.verifyUpdateCodeSignature).not.toBe(false)
  })

  it('holds no certificate, password or key: those come from the environment', () => {
    const keys: string[] = []
    const walk = (value: unknown): void => {
      if (!value || typeof value !== 'object') return
      for (const [key, inner] of Object.entries(value)) {
        keys.push(key)
        walk(inner)
      }
    }
    walk(config)
    expect(keys.filter((k) => /^csc|password|^apple|teamId|token|secret|apiKey/i.test(k))).toEqual([])
  })
})

describe('package.json', () => {
  it('ships the native and update modules as dependencies, which electron-builder packs', () => {
    for (const name of ['better-sqlite3', 'electron-updater', 'electron-log']) {
      expect(pkg.dependencies[name], name).toBeDefined()
      expect(pkg.devDependencies[name], name).toBeUndefined()
    }
  })

  it('keeps packaging (which downloads Electron) out of npm test', () => {
    expect(pkg.scripts.package).toMatch(/electron-builder/)
    expect(pkg.scripts.test).not.toMatch(/npm run package|electron-builder/)
  })
})
