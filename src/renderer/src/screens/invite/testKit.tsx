/**
 * What the Invite screen's jsdom tests share: the screen rendered on a fake core with the import
 * engine in-process, a pasted list, and the grid's rows and cells as the coordinator sees them.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { expect } from 'vitest'
import type { Project } from '../../../../shared/domain'
import { ApiProvider } from '../../api/context'
import { createInlineClient } from '../../import/client'
import { inviteProject, PROBE_2019, type FakeInviteApi } from './fakeInviteApi'
import { InviteScreen } from './index'

/** A project whose server the connection test found to have SMS self-registration. */
export const KIT_PROJECT: Project = inviteProject({ channelProbe: PROBE_2019 })

/** A pasted list: a good number, a short one, a registered-looking one and a duplicate of row 2. */
export const LIST = [
  'Phone\tName\tVillage',
  '0712345678\tAmina\tKisumu',
  '0722\tBaraka\tNakuru',
  '+254733000111\tChris\tEldoret',
  '0712 345 678\tDup\tKisumu'
].join('\n')

/** jsdom lays nothing out: give the grid's scroll box a size so the virtualiser draws rows. */
export function giveGridASize(): void {
  for (const prop of ['clientHeight', 'clientWidth'] as const) {
    Object.defineProperty(HTMLElement.prototype, prop, {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('igrid-scroll') || this.classList.contains('hnumbers') ? 800 : 0
      }
    })
  }
  HTMLElement.prototype.scrollTo = function scrollTo() {} as typeof HTMLElement.prototype.scrollTo
}

export function renderScreen(api: FakeInviteApi, shown: Project = KIT_PROJECT) {
  return render(
    <ApiProvider api={api}>
      <InviteScreen project={shown} importClientFactory={() => createInlineClient()} />
    </ApiProvider>
  )
}

export const appChoice = () => screen.getByLabelText('App') as HTMLSelectElement

/**
 * The list is read: rows are on screen, no step is running, every row has its verdict, and the
 * counts and the plan (which follow the grid in a deferred render) caught up. Between two steps
 * of a read nothing is busy and nothing is pending either, so the rows themselves must be there.
 */
export async function settled() {
  await waitFor(() => {
    expect(document.querySelector('[role="row"][data-row]')).not.toBeNull()
    expect(document.querySelector('.ibusy')).toBeNull()
    expect(screen.queryByText(/being checked/)).toBeNull()
    expect(screen.queryByText('Wait until every row is checked.')).toBeNull()
  })
}

export async function pasteList(text = LIST) {
  fireEvent.change(screen.getByLabelText(/Paste cells/), { target: { value: text } })
  fireEvent.click(screen.getByRole('button', { name: 'Read pasted cells' }))
  await screen.findByRole('grid')
  await settled()
}

/**
 * Clicks "Send N invitations…" once it is enabled (the apps, the verdicts and the deferred plan
 * all have to be in) and returns the confirmation dialog.
 */
export async function openSendDialog(count: number): Promise<HTMLElement> {
  const name = new RegExp(`^Send ${count} invitations?…$`)
  await waitFor(() =>
    expect((screen.getByRole('button', { name }) as HTMLButtonElement).disabled).toBe(false)
  )
  fireEvent.click(screen.getByRole('button', { name }))
  return screen.findByRole('dialog')
}

export function row(n: number): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[role="row"][data-row="${n}"]`)
  if (!el) throw new Error(`row ${n} is not shown`)
  return el
}

export function cell(n: number, col: string): HTMLElement {
  return row(n).querySelector<HTMLElement>(`[data-col="${col}"]`)!
}
