import './zod-config'
import { i18n } from './i18n'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { ApiProvider } from './api/context'
import { createApiForWindow } from './api/transport'
import { App } from './App'
import './styles.css'

const root = createRoot(document.getElementById('root')!)

try {
  const api = createApiForWindow(window)
  root.render(
    <StrictMode>
      <ApiProvider api={api}>
        <App />
      </ApiProvider>
    </StrictMode>
  )
} catch (error) {
  // No transport at all: say so instead of showing a blank window.
  root.render(
    <div className="boot">
      <div className="boot-error" role="alert">
        <h1>{i18n.t('app.couldNotStart')}</h1>
        <p>{error instanceof Error ? error.message : String(error)}</p>
      </div>
    </div>
  )
}
