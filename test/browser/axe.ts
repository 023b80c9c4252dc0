/**
 * axe-core on the page as it is now, against WCAG 2.0 and 2.1 A and AA. A failure lists every
 * violation with the element it was found on, so the message alone says what to fix.
 */
import { AxeBuilder } from '@axe-core/playwright'
import type { Result } from 'axe-core'
import type { Page } from 'playwright-core'

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const

/** One line per element: `rule (impact) at <target>: <summary>`. */
export function describeViolations(violations: Result[]): string[] {
  return violations.flatMap((violation) =>
    violation.nodes.map((node) => {
      const target = node.target.map((t) => (Array.isArray(t) ? t.join(' >> ') : String(t))).join(' / ')
      // failureSummary is axe's "Fix any of the following: …" text; one line reads better in a list.
      const summary = (node.failureSummary ?? violation.help).replace(/\s*\n\s*/g, ' ').trim()
      return `${violation.id} (${violation.impact ?? 'n/a'}) at ${target}: ${summary}`
    })
  )
}

/** Runs axe on the page; throws with the readable list when anything is found. */
export async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags([...WCAG_TAGS]).analyze()
  const lines = describeViolations(results.violations)
  if (lines.length) {
    throw new Error(`axe found ${lines.length} violation(s) on ${state}:\n  ${lines.join('\n  ')}`)
  }
}
