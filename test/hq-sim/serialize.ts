// Output exactly as HQ's tastypie stack writes it: json.dumps(sort_keys=True, ensure_ascii=False)
// and CustomXMLSerializer (tastypie's to_etree, children sorted by tag, child <id> lifted into an
// id="" attribute), with the same failure points (invalid XML names or characters -> HTTP 500).

export type Format = 'json' | 'xml'

// A resource object (tastypie Bundle): <object> in XML, where a plain nested dict is
// <name type="hash">.
export class Bundle {
  constructor(readonly data: Record<string, unknown>) {}
}

export class XmlSerializationError extends Error {}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'
export const XML_CONTENT_TYPE = 'application/xml; charset=utf-8'

// ---- JSON (Python's separators: ", " and ": ") ----

// sortKeys: tastypie's serializer sorts; views that call json.dumps themselves do not.
export function pythonJson(value: unknown, sortKeys = true): string {
  if (value instanceof Bundle) return pythonJson(value.data, sortKeys)
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null'
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map((v) => pythonJson(v, sortKeys)).join(', ')}]`
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>
    const keys = Object.keys(record)
    if (sortKeys) keys.sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${pythonJson(record[k], sortKeys)}`).join(', ')}}`
  }
  return JSON.stringify(String(value))
}

// ---- XML ----

interface El {
  tag: string
  attrs: [string, string][]
  text: string | null
  children: El[]
}

const NAME = /^[\p{L}_][\p{L}\p{N}\p{M}_.\-\u00B7]*$/u
const INVALID_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u

function element(tag: string): El {
  // lxml refuses names that are not XML NCNames; HQ then answers 500.
  if (!NAME.test(tag)) throw new XmlSerializationError(`Invalid tag name '${tag}'`)
  return { tag, attrs: [], text: null, children: [] }
}

function checkText(text: string): string {
  if (INVALID_XML_CHAR.test(text)) {
    throw new XmlSerializationError(
      'All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters'
    )
  }
  return text
}

function sortByTag(children: El[]): El[] {
  return children
    .map((child, i) => ({ child, i }))
    .sort((a, b) => (a.child.tag < b.child.tag ? -1 : a.child.tag > b.child.tag ? 1 : a.i - b.i))
    .map((x) => x.child)
}

function toEtree(data: unknown, name: string | undefined, depth: number): El {
  const trimmedName = name?.trim()
  let el: El
  if (Array.isArray(data)) {
    el = element(trimmedName || 'objects')
    if (trimmedName) el.attrs.push(['type', 'list'])
    el.children = sortByTag(data.map((item) => toEtree(item, undefined, depth + 1)))
  } else if (data instanceof Bundle) {
    el = element(trimmedName || 'object')
    el.children = sortByTag(Object.entries(data.data).map(([k, v]) => toEtree(v, k, depth + 1)))
  } else if (data !== null && typeof data === 'object') {
    if (depth === 0) {
      el = element(trimmedName || 'response')
    } else {
      el = element(trimmedName || 'object')
      el.attrs.push(['type', 'hash'])
    }
    el.children = sortByTag(
      Object.entries(data as Record<string, unknown>).map(([k, v]) => toEtree(v, k, depth + 1))
    )
  } else {
    el = element(trimmedName || 'value')
    if (data === null || data === undefined) {
      el.attrs.push(['type', 'null'])
    } else if (typeof data === 'boolean') {
      el.attrs.push(['type', 'boolean'])
      el.text = data ? 'True' : 'False'
    } else if (typeof data === 'number') {
      el.attrs.push(['type', Number.isInteger(data) ? 'integer' : 'float'])
      el.text = String(data)
    } else {
      el.text = checkText(String(data))
    }
  }
  // CustomXMLSerializer: a child named "id" becomes the id attribute.
  const idIndex = el.children.findIndex((c) => c.tag === 'id')
  if (idIndex >= 0) {
    const idChild = el.children[idIndex]
    el.attrs.push(['id', idChild?.text ?? ''])
    el.children.splice(idIndex, 1)
  }
  return el
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;')
}

function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;')
}

function write(el: El, out: string[]): void {
  out.push('<', el.tag)
  for (const [k, v] of el.attrs) out.push(' ', k, '="', escapeAttr(v), '"')
  if (el.text === null && el.children.length === 0) {
    out.push('/>')
    return
  }
  out.push('>')
  if (el.text !== null) out.push(escapeText(el.text))
  for (const child of el.children) write(child, out)
  out.push('</', el.tag, '>')
}

export function toXml(data: unknown): string {
  const out: string[] = ["<?xml version='1.0' encoding='utf-8'?>\n"]
  write(toEtree(data, undefined, 0), out)
  return out.join('')
}

// ---- Content negotiation (tastypie determine_format) ----

function acceptQuality(accept: string, mime: string): { q: number; fitness: number } {
  const [type, subtype] = mime.split('/')
  let best = { q: 0, fitness: -1 }
  for (const range of accept.split(',')) {
    const [mediaRaw, ...paramsRaw] = range.trim().split(';')
    const [rType, rSub] = (mediaRaw ?? '').trim().toLowerCase().split('/')
    if (!rType || !rSub) continue
    const typeOk = rType === '*' || rType === type
    const subOk = rSub === '*' || rSub === subtype
    if (!typeOk || !subOk) continue
    let q = 1
    for (const p of paramsRaw) {
      const [k, v] = p.trim().split('=')
      if (k === 'q' && v !== undefined) q = Number.parseFloat(v) || 0
    }
    const fitness = (rType === type ? 100 : 0) + (rSub === subtype ? 10 : 0)
    if (fitness > best.fitness) best = { q, fitness }
  }
  return best
}

export function determineFormat(params: URLSearchParams, accept: string | undefined): Format {
  const forced = params.get('format')
  if (forced === 'xml') return 'xml'
  if (forced === 'json') return 'json'
  if (accept && accept !== '*/*') {
    const xml = acceptQuality(accept, 'application/xml')
    const json = acceptQuality(accept, 'application/json')
    // mimeparse ranks by quality, then fitness; ties go to JSON (last in tastypie's reversed list).
    if (xml.q > json.q || (xml.q === json.q && xml.q > 0 && xml.fitness > json.fitness)) return 'xml'
  }
  return 'json'
}

export function serialize(data: unknown, format: Format): { body: string; contentType: string } {
  if (format === 'xml') return { body: toXml(data), contentType: XML_CONTENT_TYPE }
  return { body: pythonJson(data), contentType: JSON_CONTENT_TYPE }
}
