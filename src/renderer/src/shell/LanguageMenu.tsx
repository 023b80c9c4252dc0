import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { chooseLanguage, LANGUAGE_NAMES, LANGUAGES, useLanguage } from '../i18n'
import { isLanguage } from '../i18n/languages'
import './languageMenu.css'

/** The language the app speaks: the system's at first, then the coordinator's choice, remembered. */
export function LanguageMenu() {
  const { t } = useTranslation()
  const language = useLanguage()
  const id = useId()
  return (
    <div className="language-menu">
      <label htmlFor={id} className="sidebar-label">
        {t('language.label')}
      </label>
      <select
        id={id}
        value={language}
        onChange={(event) => {
          if (isLanguage(event.target.value)) void chooseLanguage(event.target.value)
        }}
      >
        {LANGUAGES.map((lng) => (
          // Each name in its own language (and marked so), so anyone finds theirs.
          <option key={lng} value={lng} lang={lng}>
            {LANGUAGE_NAMES[lng]}
          </option>
        ))}
      </select>
    </div>
  )
}
