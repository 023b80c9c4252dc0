import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { AllowListSchema, judge, toFindings, type Finding } from '../../scripts/electronegativity-findings'

const finding = (over: Partial<Finding> = {}): Finding => ({
  id: 'OPEN_EXTERNAL_JS_CHECK',
  severity: 'MEDIUM',
  confidence: 'TENTATIVE',
  file: 'src/main/electron/index.ts',
  line: 82,
  sample: 'openExternal: (url) => shell.openExternal(checked)',
  description: 'Review the use of openExternal',
  ...over
})
const entry = {
  id: 'OPEN_EXTERNAL_JS_CHECK',
  file: 'src/main/electron/index.ts',
  sample: 'shell.openExternal(checked)',
  reason: 'checked by the core and again before the shell'
}

describe('the electronegativity gate', () => {
  it('fails on a medium or high finding that the allow-list does not name', () => {
    const verdict = judge(
      [finding(), finding({ id: 'NODE_INTEGRATION_JS_CHECK', severity: 'HIGH' })],
      [entry]
    )
    expect(verdict.failing.map((f) => f.id)).toEqual(['NODE_INTEGRATION_JS_CHECK'])
    expect(verdict.allowed.map((a) => a.finding.id)).toEqual(['OPEN_EXTERNAL_JS_CHECK'])
  })

  it('lets low and informational findings pass without an entry', () => {
    expect(judge([finding({ severity: 'LOW' }), finding({ severity: 'INFORMATIONAL' })], []).failing).toEqual(
      []
    )
  })

  it('matches an entry by check, file and the code it names, not by line', () => {
    expect(judge([finding({ line: 120 })], [entry]).failing).toEqual([])
    expect(judge([finding({ file: 'src/main/electron/window.ts' })], [entry]).failing).toHaveLength(1)
    expect(judge([finding({ sample: 'shell.openExternal(url)' })], [entry]).failing).toHaveLength(1)
  })

  it('reports entries that no longer match anything', () => {
    expect(judge([], [entry]).stale).toEqual([entry])
  })

  it('refuses an allow-list entry without a real reason, and unknown fields', () => {
    expect(AllowListSchema.safeParse([{ ...entry, reason: 'ok' }]).success).toBe(false)
    expect(AllowListSchema.safeParse([{ ...entry, severity: 'LOW' }]).success).toBe(false)
  })

  it('reads electronegativity’s issues, and refuses a severity it does not know', () => {
    const issue = {
      id: 'PRELOAD_JS_CHECK',
      severity: { name: 'MEDIUM', value: 3 },
      confidence: { name: 'FIRM' },
      file: '/repo/src/main/electron/window.ts',
      location: { line: 36, column: 6 },
      sample: '  preload: opts.preload, ',
      description: 'Review the use of preload scripts'
    }
    expect(toFindings([issue], (f) => f.replace('/repo/', ''))).toEqual([
      {
        id: 'PRELOAD_JS_CHECK',
        severity: 'MEDIUM',
        confidence: 'FIRM',
        file: 'src/main/electron/window.ts',
        line: 36,
        sample: 'preload: opts.preload,',
        description: 'Review the use of preload scripts'
      }
    ])
    expect(() => toFindings([{ ...issue, severity: { name: 'CRITICAL' } }], (f) => f)).toThrow(
      'unknown severity'
    )
  })

  it('keeps the reviewed allow-list valid, every entry with its reason', () => {
    const list = AllowListSchema.parse(
      JSON.parse(readFileSync('security/electronegativity-allow.json', 'utf8'))
    )
    expect(list.length).toBeGreaterThan(0)
  })
})
