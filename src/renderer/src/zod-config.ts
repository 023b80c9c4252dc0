import { z } from 'zod'

// zod probes for `new Function` to compile fast parsers; the renderer's CSP (no 'unsafe-eval')
// refuses it and every probe prints a violation. Parse without it.
z.config({ jitless: true })
