/**
 * The rule `npm run security` applies to electronegativity's findings: anything of medium
 * severity or above fails unless the reviewed allow-list (security/electronegativity-allow.json)
 * names it, with its reason. Pure, so it is tested without running the scanner.
 */
import { z } from 'zod'

/** Severities as electronegativity ranks them (its `severity.value`). */
export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'] as const
export type Severity = (typeof SEVERITIES)[number]

export interface Finding {
  /** The check, e.g. "OPEN_EXTERNAL_JS_CHECK". */
  id: string
  severity: Severity
  confidence: string
  /** Relative to the repository, with "/". */
  file: string
  line: number
  sample: string
  description: string
}

export const AllowEntrySchema = z
  .object({
    id: z.string().min(1),
    file: z.string().min(1),
    /** Optional: the line's code must contain this text (lines move, code less so). */
    sample: z.string().min(1).optional(),
    reason: z.string().trim().min(20, 'each allowed finding needs a reason a reviewer can check')
  })
  .strict()
export type AllowEntry = z.infer<typeof AllowEntrySchema>
export const AllowListSchema = z.array(AllowEntrySchema)

export function atLeastMedium(finding: Finding): boolean {
  return SEVERITIES.indexOf(finding.severity) >= SEVERITIES.indexOf('MEDIUM')
}

function allows(entry: AllowEntry, finding: Finding): boolean {
  return (
    entry.id.toUpperCase() === finding.id.toUpperCase() &&
    entry.file === finding.file &&
    (entry.sample === undefined || finding.sample.includes(entry.sample))
  )
}

export interface Verdict {
  /** Medium or above and not allowed: these fail the build. */
  failing: Finding[]
  /** Medium or above, allowed by an entry. */
  allowed: Array<{ finding: Finding; entry: AllowEntry }>
  /** Entries that allowed nothing: the code changed, the entry should go. */
  stale: AllowEntry[]
}

export function judge(findings: readonly Finding[], allowList: readonly AllowEntry[]): Verdict {
  const used = new Set<AllowEntry>()
  const failing: Finding[] = []
  const allowed: Verdict['allowed'] = []
  for (const finding of findings.filter(atLeastMedium)) {
    const entry = allowList.find((e) => allows(e, finding))
    if (entry) {
      used.add(entry)
      allowed.push({ finding, entry })
    } else failing.push(finding)
  }
  return { failing, allowed, stale: allowList.filter((e) => !used.has(e)) }
}

/** electronegativity's issue objects (runner's `issues`), as findings with repository paths. */
export function toFindings(issues: readonly unknown[], relativePath: (file: string) => string): Finding[] {
  const Issue = z.object({
    id: z.string(),
    severity: z.object({ name: z.string() }),
    confidence: z.object({ name: z.string() }),
    file: z.string(),
    location: z.object({ line: z.number(), column: z.number() }).partial().default({}),
    sample: z.string().default(''),
    description: z.string().default('')
  })
  return issues.map((raw) => {
    const issue = Issue.parse(raw)
    const name = issue.severity.name.toUpperCase()
    if (!(SEVERITIES as readonly string[]).includes(name)) {
      throw new Error(
        `electronegativity reported an unknown severity "${issue.severity.name}" for ${issue.id}`
      )
    }
    return {
      id: issue.id,
      severity: name as Severity,
      confidence: issue.confidence.name,
      file: relativePath(issue.file).split('\\').join('/'),
      line: issue.location.line ?? 0,
      sample: issue.sample.trim(),
      description: issue.description
    }
  })
}

export function describeFinding(finding: Finding): string {
  return `${finding.severity} ${finding.id} ${finding.file}:${finding.line} ${finding.sample.slice(0, 100)}`
}
