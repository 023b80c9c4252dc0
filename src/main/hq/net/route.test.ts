import { afterEach, describe, expect, it } from 'vitest'
import { createRouter, type Router } from './route'
import type { Env } from './proxy'
import { failure } from '../testing'

// Which proxy the environment gives an HQ server, read without sending anything.

const SECRET = 'pr0xy-s3cret'
const routers: Router[] = []

afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()))
})

function routerFor(server: string, env: Env): Router {
  const router = createRouter({ server, connectMs: 1_000, env, onSecret: () => undefined })
  routers.push(router)
  return router
}

describe('a route from the environment', () => {
  it('uses HTTPS_PROXY for an https server, whatever a scheme-less HTTP_PROXY beside it holds', async () => {
    const router = routerFor('https://www.commcarehq.org', {
      HTTP_PROXY: 'proxy.corp:3128',
      HTTPS_PROXY: 'http://secure.corp:8080'
    })
    const route = await router.route()
    expect(route.proxy).toMatchObject({
      label: 'secure.corp:8080',
      source: 'environment',
      variable: 'HTTPS_PROXY'
    })
  })

  it('goes direct when NO_PROXY covers HQ, without reading the proxy variables', async () => {
    const router = routerFor('https://www.commcarehq.org', {
      HTTPS_PROXY: `roster:${SECRET}@proxy.corp:3128`,
      NO_PROXY: '.commcarehq.org'
    })
    expect((await router.route()).proxy).toBeNull()
  })

  it('still refuses the variable that serves HQ when it is not a proxy address, without quoting it', async () => {
    const router = routerFor('https://www.commcarehq.org', {
      HTTP_PROXY: 'http://fine.corp:3128',
      https_proxy: `roster:${SECRET}@proxy.corp:3128`
    })
    const error = await failure(router.route())
    expect(error).toMatchObject({ kind: 'network', code: 'PROXY_INVALID' })
    expect(error.message).toMatch(/^The https_proxy setting is not a proxy address Roster can use/)
    expect(error.message).not.toContain(SECRET)
    expect(error.message).not.toContain('proxy.corp')
  })

  it('falls back to HTTP_PROXY for an https server when HTTPS_PROXY is not set', async () => {
    const router = routerFor('https://www.commcarehq.org', { http_proxy: 'socks5://gw.corp:1080' })
    expect((await router.route()).proxy).toMatchObject({
      label: 'gw.corp:1080',
      scheme: 'socks5',
      variable: 'http_proxy'
    })
  })
})
