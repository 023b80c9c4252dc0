import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { ColumnPicker } from './ColumnPicker'

afterEach(cleanup)

describe('ColumnPicker', () => {
  it('closes with Escape from a checkbox and gives the focus back to its button', () => {
    render(<ColumnPicker keys={['village', 'district']} chosen={[]} onChange={() => {}} />)
    const button = screen.getByRole('button', { name: /^Columns/ })
    fireEvent.click(button)
    expect(button.getAttribute('aria-expanded')).toBe('true')
    const village = screen.getByRole('checkbox', { name: 'village' })
    village.focus()
    fireEvent.keyDown(village, { key: 'Escape' })
    expect(screen.queryByRole('checkbox', { name: 'village' })).toBeNull()
    expect(document.activeElement).toBe(button)
  })
})
