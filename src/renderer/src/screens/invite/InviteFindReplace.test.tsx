import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { forgetImports } from '../../import/useImport'
import { createFakeInviteApi } from './fakeInviteApi'
import { cell, giveGridASize, pasteList, renderScreen, row } from './testKit'

beforeAll(giveGridASize)
beforeEach(() => {
  localStorage.clear()
  forgetImports()
})
afterEach(cleanup)

/** Numbers typed with a letter l for the digit 1, as happens when a list is copied by hand. */
const TYPOS = ['Phone\tName', '07l2345678\tLillian', '0722 000 lll\tBaraka', '0733000222\tChris'].join('\n')

const finder = () => screen.getByRole('search', { name: 'Find and replace' })

describe('Invite screen: find & replace', () => {
  it('replaces in one column with a count, checks the changed rows again, and undoes it as one step', async () => {
    renderScreen(createFakeInviteApi())
    await pasteList(TYPOS)
    await waitFor(() => {
      expect(row(2).dataset.status).toBe('error')
      expect(row(3).dataset.status).toBe('error')
    })
    fireEvent.click(screen.getByRole('button', { name: 'Find & replace' }))
    fireEvent.change(within(finder()).getByLabelText('Find'), { target: { value: 'l' } })
    fireEvent.change(within(finder()).getByLabelText('Replace with'), { target: { value: '1' } })
    // "l" is in the names too: every column finds more than the phone column alone.
    expect(within(finder()).getByTestId('replace-status').textContent).toBe('7 matches in 2 rows')
    fireEvent.change(within(finder()).getByLabelText('In'), { target: { value: 'phone' } })
    expect(within(finder()).getByTestId('replace-status').textContent).toBe('4 matches in 2 rows')
    fireEvent.change(within(finder()).getByLabelText('Find'), { target: { value: 'L' } })
    fireEvent.click(within(finder()).getByLabelText('Match case'))
    expect(within(finder()).getByTestId('replace-status').textContent).toBe('0 matches in 0 rows')
    fireEvent.click(within(finder()).getByLabelText('Match case'))

    fireEvent.click(within(finder()).getByRole('button', { name: 'Replace all' }))
    expect(within(finder()).getByTestId('replace-status').textContent).toMatch(
      /^Replaced 4 matches in 2 rows/
    )
    await waitFor(() => {
      expect(row(2).dataset.status).toBe('ready')
      expect(row(3).dataset.status).toBe('ready')
    })
    expect(cell(2, 'phone').textContent).toBe('0712345678')
    expect(cell(3, 'phone').textContent).toBe('0722 000 111')
    expect(cell(2, 'field:Name').textContent).toBe('Lillian')

    fireEvent.click(screen.getByRole('button', { name: 'Undo' }))
    await waitFor(() => {
      expect(row(2).dataset.status).toBe('error')
      expect(row(3).dataset.status).toBe('error')
    })
    expect(cell(3, 'phone').textContent).toBe('0722 000 lll')
    fireEvent.click(screen.getByRole('button', { name: 'Redo' }))
    await waitFor(() => expect(row(3).dataset.status).toBe('ready'))
  })

  it('opens with Ctrl+H and closes with Escape', async () => {
    renderScreen(createFakeInviteApi())
    await pasteList(TYPOS)
    fireEvent.keyDown(window, { key: 'h', ctrlKey: true })
    const find = within(finder()).getByLabelText('Find')
    fireEvent.keyDown(find, { key: 'Escape' })
    expect(screen.queryByRole('search', { name: 'Find and replace' })).toBeNull()
  })

  it('gives the focus back to where it was opened from when it closes', async () => {
    renderScreen(createFakeInviteApi())
    await pasteList(TYPOS)
    const grid = screen.getByRole('grid', { name: 'Numbers to invite' })
    grid.focus()
    fireEvent.keyDown(grid, { key: 'h', ctrlKey: true })
    const find = within(finder()).getByLabelText('Find')
    expect(document.activeElement).toBe(find)
    fireEvent.keyDown(find, { key: 'Escape' })
    await waitFor(() => expect(document.activeElement).toBe(grid))

    const button = screen.getByRole('button', { name: 'Find & replace' })
    button.focus()
    fireEvent.click(button)
    fireEvent.click(within(finder()).getByRole('button', { name: 'Close' }))
    await waitFor(() => expect(document.activeElement).toBe(button))
  })
})
