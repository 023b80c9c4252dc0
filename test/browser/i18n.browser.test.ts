import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { POLL, startApp, waitForAttr, waitForText, type App } from './harness'

/**
 * Roster in French and in Spanish: every screen (Projects, Workers with a synced roster, a worker's
 * details, Invite with a pasted list, the send dialog, History) is visited after choosing the
 * language in the sidebar, and no English is left on it — beyond an allow-list of proper names, HQ's
 * own words, the simulator's data and the core's messages (translated in the core later).
 * The French screens are saved as test-results/fr-*.png.
 */

/**
 * Words that are English and neither French nor Spanish ("on", "no", "test", "invitation" and
 * "active" are left out: they are words of those languages too).
 */
const ENGLISH = new Set(
  `the and of to is are was were be been your you with without this that these those for from not yet
  has have had by it its into will would can cannot could should there their them they which what when
  where who how why all any each every only also than then here out up about after before again still
  just more some number numbers worker workers invite invited history project projects sync synced
  syncing search export send sent sending cancel close save saved edit remove open status name phone
  phones group groups location locations archived batch batches loading waiting review online offline
  language account accounts username server settings connection yes done error errors row rows column
  columns file read paste cells message messages confirm created registered unknown failed refused
  shown show hide none new next last first today yesterday tomorrow ready fix fixed skipped download
  upload choose select add clear filters filter field fields custom default copy copied details
  detail items left took people person`
    .split(/\s+/)
    .filter(Boolean)
)

/** Proper names and HQ's own words, kept as HQ's interface and the world write them. */
const ALLOWED = [
  /CommCare HQ/g,
  /\bRoster\b/g,
  /My Account Settings/g,
  /API Keys/g,
  /Edit Mobile Workers/g,
  /\bCtrl\+(Shift\+)?[A-Z]\b/g,
  /\bCSV\b/g,
  /\bSMS\b/g,
  /[\w.+-]+@[\w.-]+/g, // e-mail addresses and usernames
  /https?:\/\/\S+/g,
  /\b[\w-]+\.commcarehq\.org\b/g,
  /\b[\w-]+\.(csv|xlsx)\b/g,
  /\{[\w:<>]+\}/g // the username template's placeholders, written as the coordinator types them
]

/** Every string in the simulator's data (names, groups, locations, apps, custom fields): data, not words. */
function dataStrings(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    if (value.trim()) out.add(value.trim())
  } else if (Array.isArray(value)) {
    for (const v of value) dataStrings(v, out)
  } else if (value instanceof Set || value instanceof Map) {
    for (const v of value.values()) dataStrings(v, out)
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k)
      dataStrings(v, out)
    }
  }
  return out
}

/** The text a coordinator sees or hears: the page's visible text and its visible labels. */
async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out = [document.body.innerText]
    for (const el of Array.from(document.querySelectorAll('[aria-label],[placeholder],[title]'))) {
      if (!(el as HTMLElement).checkVisibility()) continue
      for (const attr of ['aria-label', 'placeholder', 'title']) {
        const value = el.getAttribute(attr)
        if (value) out.push(value)
      }
    }
    return out
  })
}

/** The English words on screen, each with the text around it, once the allowed strings are taken out. */
function englishWords(texts: string[], allowed: readonly string[]): string[] {
  const byLength = [...allowed].sort((a, b) => b.length - a.length)
  const found = new Set<string>()
  for (const raw of texts) {
    for (const line of raw.split('\n')) {
      let text = line
      // Data and the core's messages first: they contain names the patterns below would cut up.
      for (const s of byLength) if (text.includes(s)) text = text.split(s).join(' ')
      for (const pattern of ALLOWED) text = text.replace(pattern, ' ')
      for (const match of text.matchAll(/\p{L}[\p{L}'’]*/gu)) {
        if (ENGLISH.has(match[0].toLowerCase())) found.add(`${match[0]} — in “${line.trim().slice(0, 120)}”`)
      }
    }
  }
  return [...found]
}

const WORDS = {
  fr: {
    menu: 'Langue',
    projects: 'Projets',
    workers: 'Agents',
    invite: 'Inviter',
    history: 'Historique',
    main: 'Navigation principale',
    grid: 'Agents',
    paste: /Coller des cellules/,
    read: 'Lire les cellules collées',
    send: /^Envoyer 2 /,
    detail: /^Détails de /,
    batch: /Lot 1/
  },
  es: {
    menu: 'Idioma',
    projects: 'Proyectos',
    workers: 'Trabajadores',
    invite: 'Invitar',
    history: 'Historial',
    main: 'Navegación principal',
    grid: 'Trabajadores',
    paste: /Pegar celdas/,
    read: 'Leer las celdas pegadas',
    send: /^Enviar 2 /,
    detail: /^Detalles de /,
    batch: /Lote 1/
  }
} as const

describe.each(['fr', 'es'] as const)('Roster in %s', (lng) => {
  const words = WORDS[lng]
  let app: App
  let projectId: string
  /** The simulator's data and the core's own messages: shown as they are, in whatever language. */
  let allowed: string[]
  const nav = (name: string) =>
    app.page.getByRole('navigation', { name: words.main }).getByRole('button', { name })
  const row = (n: number) => app.page.locator(`[role="row"][data-row="${n}"]`)

  /** Fails with every English word left on the screen; saves the French screens. */
  async function expectNoEnglish(screen: string) {
    const core = await coreMessages()
    const english = englishWords(await visibleTexts(app.page), [...allowed, ...core])
    if (lng === 'fr') await app.screenshot(`fr-${screen}`)
    expect(english, `English on the ${screen} screen in ${lng}`).toEqual([])
  }

  /** What the core says in its own words (its probe and sync messages), left for the core's translation. */
  async function coreMessages(): Promise<string[]> {
    const projects = await app.api('projects.list', {})
    const texts = dataStrings(projects)
    // The outcome of each number, as the core words it.
    for (const batch of await app.api('invite.batches', { projectId })) {
      dataStrings(await app.api('invite.batch', { batchId: batch.id }), texts)
    }
    // HQ's own SMS, in the language HQ sends it.
    const hqSms = await app.page.getByTestId('hq-sms-preview').allInnerTexts()
    // Only sentences: the answers' field names and enum values ("registered"…) are not on screen as such.
    const sentences = [...texts].filter((t) => /\s/.test(t))
    return [...sentences, ...hqSms.flatMap((t) => t.split('\n'))]
  }

  beforeAll(async () => {
    app = await startApp({ users: 40, era: '2026', uploadDelayMs: 200 })
    projectId = await app.connect()
    await app.syncNow(projectId)
    allowed = [...dataStrings(app.sim.data)]
    await app.page.reload()
    await app.page.getByRole('grid', { name: 'Workers' }).waitFor()
    // The coordinator picks the language in the sidebar; it is remembered from then on.
    await app.page.getByLabel('Language').selectOption(lng)
    await app.page.getByRole('grid', { name: words.grid }).waitFor()
    await app.page.reload()
    await app.page.getByRole('grid', { name: words.grid }).waitFor()
    expect(await app.page.getAttribute('html', 'lang')).toBe(lng)
  })
  afterAll(async () => {
    await app?.close()
  })

  it('shows the Projects screen in its language', async () => {
    await nav(words.projects).click()
    await app.page.getByRole('list', { name: /./ }).first().waitFor()
    await expectNoEnglish('projects')
  })

  it('shows the synced roster in its language', async () => {
    await nav(words.workers).click()
    const grid = app.page.getByRole('grid', { name: words.grid })
    await grid.getByRole('row').nth(2).waitFor()
    await expectNoEnglish('workers')
  })

  it("shows a worker's details in its language", async () => {
    const grid = app.page.getByRole('grid', { name: words.grid })
    await grid.getByRole('row').nth(1).click()
    const pane = app.page.getByRole('complementary', { name: words.detail })
    await pane.getByRole('heading').nth(1).waitFor()
    await expectNoEnglish('worker-detail')
  })

  it('shows Invite with a pasted list, and its send dialog, in its language', async () => {
    const { page } = app
    await nav(words.invite).click()
    await page
      .getByLabel(words.paste)
      .fill('First name\tLast name\tPhone\nAmina\tOtieno\t0711 000 801\nBaraka\tMwangi\t0711 000 802\n')
    await page.getByRole('button', { name: words.read }).click()
    await waitForAttr(row(2), 'data-status', 'ready')
    await waitForAttr(row(3), 'data-status', 'ready')
    await page.getByTestId('hq-sms-preview').waitFor()
    // The list's own column titles are the coordinator's data.
    allowed.push('First name', 'Last name', 'Phone', 'Amina', 'Otieno', 'Baraka', 'Mwangi')
    await expectNoEnglish('invite')

    await page.getByRole('button', { name: words.send }).click()
    await page.getByRole('dialog').waitFor()
    await expectNoEnglish('send-dialog')
    await page.getByRole('dialog').getByRole('button', { name: words.send }).click()
    await expect.poll(() => app.sim.createdAccounts.length, POLL).toBe(2)
    await waitForAttr(row(2), 'data-status', 'success', 30_000)
  })

  it('shows History in its language', async () => {
    await nav(words.history).click()
    const batch = app.page.getByRole('option', { name: words.batch })
    await waitForText(batch, /2/)
    await app.page.getByTestId('batch-detail').waitFor()
    await expectNoEnglish('history')
  })
})

describe('the English finder', () => {
  it('finds English words, and leaves French, Spanish, data and HQ’s words alone', () => {
    expect(
      englishWords(
        [
          'Synchroniser maintenant',
          'Sync now',
          'Sincronizar ahora · Amina Otieno',
          'CommCare HQ › Edit Mobile Workers'
        ],
        ['Amina Otieno']
      )
    ).toEqual(['Sync — in “Sync now”'])
  })
})
