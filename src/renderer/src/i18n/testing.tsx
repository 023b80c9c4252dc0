/** For jsdom tests: render a component in a given language (tests run in English otherwise). */
import { act, render, type RenderOptions } from '@testing-library/react'
import type { ReactElement } from 'react'
import { i18n, type Language } from '.'

/** Switches the app's language for the rest of this test (the jsdom set-up puts English back). */
export function setTestLanguage(lng: Language): void {
  void i18n.changeLanguage(lng)
}

/** `renderIn('fr', <Sidebar … />)`: the same as render(), with every string in that language. */
export function renderIn(lng: Language, ui: ReactElement, options?: RenderOptions) {
  setTestLanguage(lng)
  return render(ui, options)
}

/** Changes language after the first render, as the language menu does. */
export async function switchTo(lng: Language): Promise<void> {
  await act(async () => {
    await i18n.changeLanguage(lng)
  })
}
