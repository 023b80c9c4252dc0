import type { Facets } from '../../../../shared/domain'

export interface LocationOption {
  id: string
  name: string
  type: string | null
  depth: number
  count: number
}

type FacetLocation = Facets['locations'][number]

/**
 * Orders locations as a tree (parents before children, siblings by name) with each one's depth,
 * for an indented select. A location whose parent is unknown is shown at the top level; a
 * cycle in bad data is broken rather than looping.
 */
export function locationOptions(locations: readonly FacetLocation[]): LocationOption[] {
  const byId = new Map(locations.map((l) => [l.id, l]))
  const children = new Map<string | null, FacetLocation[]>()
  for (const location of locations) {
    const parent = location.parentId && byId.has(location.parentId) ? location.parentId : null
    const list = children.get(parent) ?? []
    list.push(location)
    children.set(parent, list)
  }
  for (const list of children.values()) list.sort((a, b) => a.name.localeCompare(b.name))

  const out: LocationOption[] = []
  const seen = new Set<string>()
  const visit = (location: FacetLocation, depth: number) => {
    if (seen.has(location.id)) return
    seen.add(location.id)
    out.push({ id: location.id, name: location.name, type: location.type, depth, count: location.count })
    for (const child of children.get(location.id) ?? []) visit(child, depth + 1)
  }
  for (const root of children.get(null) ?? []) visit(root, 0)
  // Whatever only a cycle reaches.
  for (const location of locations) visit(location, 0)
  return out
}

/** The option text: indented with no-break spaces, since <option> ignores CSS padding. */
export function locationLabel(option: LocationOption): string {
  return `${'\u00a0\u00a0\u00a0'.repeat(option.depth)}${option.depth ? '└ ' : ''}${option.name}`
}
