import { describe, expect, it } from 'vitest'
import { columnsOf, emptyGrid, gridReducer, planReplace, type GridAction, type GridState } from './gridState'

function load(): GridState {
  return gridReducer(emptyGrid(), {
    type: 'load',
    fieldKeys: ['village'],
    accountKeys: ['username', 'first_name'],
    rows: [
      {
        id: 1,
        row: 2,
        phone: '0712-345-678',
        fields: { village: 'Kisumu' },
        account: { username: 'amina-k' }
      },
      { id: 2, row: 3, phone: '0722-000-111', fields: { village: 'kisumu west' }, account: {} },
      {
        id: 3,
        row: 4,
        phone: '0733000111',
        fields: { village: 'Nakuru' },
        account: { first_name: 'Kisumu-born' }
      }
    ]
  })
}

function run(state: GridState, ...actions: GridAction[]): GridState {
  return actions.reduce(gridReducer, state)
}

describe('find & replace', () => {
  it('replaces every occurrence in one column and counts matches and rows', () => {
    const s = load()
    const spec = { find: '-', replace: '', column: 'phone' as const }
    expect(planReplace(s, spec)).toMatchObject({ count: 4, rows: 2 })
    const next = run(s, { type: 'replace', spec })
    expect(next.rows.map((r) => r.phone)).toEqual(['0712345678', '0722000111', '0733000111'])
    // The username and the first name kept their dashes: only the phone column was asked for.
    expect(next.rows[0]!.account?.username).toBe('amina-k')
    expect(next.rows[2]!.account?.first_name).toBe('Kisumu-born')
    // The changed rows go to the validation engine, the untouched one does not.
    expect(next.patch?.upsert.map((r) => r.id)).toEqual([1, 2])
  })

  it('replaces across every editable column, without case unless asked', () => {
    const s = load()
    const all = planReplace(s, { find: 'kisumu', replace: 'Kisian', column: 'all' })
    expect(all).toMatchObject({ count: 3, rows: 3 })
    expect(
      planReplace(s, { find: 'kisumu', replace: 'Kisian', column: 'all', matchCase: true })
    ).toMatchObject({
      count: 1,
      rows: 1
    })
    const next = run(s, { type: 'replace', spec: { find: 'kisumu', replace: 'Kisian', column: 'all' } })
    expect(next.rows.map((r) => r.fields.village)).toEqual(['Kisian', 'Kisian west', 'Nakuru'])
    expect(next.rows[2]!.account?.first_name).toBe('Kisian-born')
  })

  it('undoes and redoes a whole replacement as one step', () => {
    const s = load()
    const replaced = run(s, { type: 'replace', spec: { find: '-', replace: '', column: 'all' } })
    expect(replaced.undo).toHaveLength(1)
    const undone = run(replaced, { type: 'undo' })
    expect(undone.rows.map((r) => [r.phone, r.account?.username])).toEqual([
      ['0712-345-678', 'amina-k'],
      ['0722-000-111', undefined],
      ['0733000111', undefined]
    ])
    expect(undone.rows[2]!.account?.first_name).toBe('Kisumu-born')
    expect(undone.patch?.upsert.map((r) => r.id).sort()).toEqual([1, 2, 3])
    const redone = run(undone, { type: 'redo' })
    expect(redone.rows.map((r) => r.phone)).toEqual(['0712345678', '0722000111', '0733000111'])
  })

  it('treats a username Roster made as the cell’s text, making the replacement the row’s own', () => {
    const s = run(load(), {
      type: 'checks',
      checks: [
        [2, { status: 'ready', e164: '+254722000111', message: '', username: 'baraka.o', usernameMade: true }]
      ]
    })
    const next = run(s, { type: 'replace', spec: { find: '.', replace: '_', column: 'username' } })
    expect(next.rows[1]!.account?.username).toBe('baraka_o')
    expect(next.rows[0]!.account?.username).toBe('amina-k')
  })

  it('looks only at the rows shown when the filter is on, and changes nothing when locked', () => {
    let s = run(load(), {
      type: 'checks',
      checks: [[3, { status: 'error', e164: null, message: 'bad' }]]
    })
    s = run(s, { type: 'setFilter', onlyProblems: true })
    expect(planReplace(s, { find: '0', replace: '9', column: 'phone' }).rows).toBe(1)
    const locked = run(load(), { type: 'lock', locked: true })
    expect(run(locked, { type: 'replace', spec: { find: '0', replace: '9', column: 'all' } })).toBe(locked)
  })

  it('puts the username by the phone and the other account columns after the verdict', () => {
    expect(columnsOf(['village'], ['email', 'username', 'first_name'])).toEqual([
      'row',
      'phone',
      'username',
      'status',
      'e164',
      'message',
      'first_name',
      'email',
      'field:village'
    ])
  })
})
