import { describe, expect, it } from 'vitest'
import { EMPTY_FORM, checkServerUrl, formFromProject, toProjectInput } from './form'
import { makeProject } from '../../test/fakeApi'

describe('the Connect form', () => {
  const filled = { ...EMPTY_FORM, domain: 'Demo-Project', username: ' me@example.org ', apiKey: ' abc ' }

  it('turns a filled form into what projects.save takes', () => {
    expect(toProjectInput(filled, { requireKey: true })).toEqual({
      input: {
        server: 'https://www.commcarehq.org',
        domain: 'demo-project',
        username: 'me@example.org',
        apiKey: 'abc',
        defaultCountry: 'KE'
      }
    })
  })

  it('names each missing field', () => {
    const result = toProjectInput({ ...EMPTY_FORM, domain: 'bad domain!' }, { requireKey: true })
    expect(result).toEqual({
      errors: {
        apiKey: expect.stringContaining('API key'),
        domain: 'A project space name has only letters, digits and dashes',
        username: 'Type your HQ username (an email address)'
      }
    })
  })

  it('lets an edit keep the saved key', () => {
    const result = toProjectInput({ ...filled, apiKey: '' }, { requireKey: false })
    expect('input' in result && 'apiKey' in result.input).toBe(false)
  })

  it('accepts https servers and http only on this computer', () => {
    expect(checkServerUrl('commcare.example.org/')).toEqual({ url: 'https://commcare.example.org' })
    expect(checkServerUrl('http://127.0.0.1:8000')).toEqual({ url: 'http://127.0.0.1:8000' })
    expect(checkServerUrl('http://commcare.example.org')).toEqual({
      error: expect.stringContaining('https://')
    })
    expect(checkServerUrl('https://www.commcarehq.org/a/demo/')).toEqual({
      error: expect.stringContaining('project space')
    })
  })

  it('recognises a preset server when editing a saved project', () => {
    expect(formFromProject(makeProject({ server: 'https://india.commcarehq.org' })).preset).toBe('india')
    const custom = formFromProject(makeProject({ server: 'http://127.0.0.1:9000' }))
    expect([custom.preset, custom.customUrl, custom.apiKey]).toEqual(['custom', 'http://127.0.0.1:9000', ''])
  })
})
