/** Shared set-up for renderer tests in jsdom: the layout numbers jsdom lacks, and rendering with an API. */
import { render } from '@testing-library/react'
import type { ReactElement } from 'react'
import type { RosterApi } from '../../../shared/api'
import { ApiProvider } from '../api/context'

/**
 * jsdom computes no layout: give the table's scroll box a size so the virtualiser renders rows,
 * and stub the few browser APIs the screens call.
 */
/** The scroll boxes of the virtualised tables: Workers, the import grid, a History batch's numbers. */
const SCROLL_BOXES = ['grid-scroll', 'igrid-scroll', 'hnumbers']
const isScrollBox = (el: HTMLElement) => SCROLL_BOXES.some((c) => el.classList.contains(c))

export function installDomStubs(): void {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return isScrollBox(this) ? 600 : 0
    }
  })
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
    configurable: true,
    get(this: HTMLElement) {
      return isScrollBox(this) ? 1000 : 0
    }
  })
  HTMLElement.prototype.scrollTo = function scrollTo(this: HTMLElement, options?: ScrollToOptions | number) {
    if (typeof options === 'object' && options.top !== undefined) this.scrollTop = options.top
    this.dispatchEvent(new Event('scroll'))
  } as typeof HTMLElement.prototype.scrollTo
}

export function renderWithApi(api: RosterApi, ui: ReactElement) {
  return render(<ApiProvider api={api}>{ui}</ApiProvider>)
}
