import { CULTURES, GROUP_NAMES, VILLAGES, type Culture } from './names'
import { randomCountry, workerPhoneNumbers } from './phones'
import { chance, deriveSeed, hexId, intBetween, mulberry32, pick, pickWeighted, type Rng } from './prng'
import type { HqApplication, HqGroup, HqLocation, HqLocationType, HqWorker, SimData } from './types'

export const DOMAIN = 'demo-project'

const CULTURE_WEIGHTS = CULTURES.map((culture) => ({ weight: culture.weight, value: culture }))

export const LOCATION_TYPES: readonly HqLocationType[] = [
  { id: 1, code: 'country', name: 'Country' },
  { id: 2, code: 'region', name: 'Region' },
  { id: 3, code: 'district', name: 'District' },
  { id: 4, code: 'facility', name: 'Facility' }
]

type Label = readonly [string, string] // display, ascii slug
interface CountrySpec {
  name: Label
  lang: 'en' | 'fr' | 'am'
  regions: readonly Label[]
  lat: number
  lon: number
}

const TREE: readonly CountrySpec[] = [
  {
    name: ['Kenya', 'kenya'],
    lang: 'en',
    regions: [
      ['Nairobi', 'nairobi'],
      ['Kisumu', 'kisumu'],
      ['Mombasa', 'mombasa'],
      ['Nakuru', 'nakuru']
    ],
    lat: -1.28,
    lon: 36.82
  },
  {
    name: ['Sénégal', 'senegal'],
    lang: 'fr',
    regions: [
      ['Dakar', 'dakar'],
      ['Thiès', 'thies'],
      ['Saint-Louis', 'saint_louis'],
      ['Ziguinchor', 'ziguinchor']
    ],
    lat: 14.69,
    lon: -17.44
  },
  {
    name: ['ኢትዮጵያ', 'ethiopia'],
    lang: 'am',
    regions: [
      ['አዲስ አበባ', 'addis_ababa'],
      ['ኦሮሚያ', 'oromia'],
      ['አማራ', 'amhara']
    ],
    lat: 9.03,
    lon: 38.74
  }
]

const DISTRICT_SUFFIX: Record<CountrySpec['lang'], readonly Label[]> = {
  en: [
    ['North', 'north'],
    ['South', 'south'],
    ['East', 'east']
  ],
  fr: [
    ['Nord', 'nord'],
    ['Sud', 'sud'],
    ['Est', 'est']
  ],
  am: [
    ['ሰሜን', 'north'],
    ['ደቡብ', 'south'],
    ['ምስራቅ', 'east']
  ]
}

const FACILITIES_PER_DISTRICT = 4

function facilityName(lang: CountrySpec['lang'], district: string, k: number): string {
  if (lang === 'fr') return `Poste de santé ${district} ${k}`
  if (lang === 'am') return `${district} ጤና ጣቢያ ${k}`
  return `${district} Health Centre ${k}`
}

// Python's naive datetime.isoformat() with microseconds, as tastypie emits it.
export function pyIsoDate(ms: number, micros = 0): string {
  const iso = new Date(ms).toISOString() // 2023-01-10T08:00:00.000Z
  return `${iso.slice(0, 19)}.${String(micros).padStart(6, '0')}`
}

const EPOCH = Date.UTC(2023, 0, 10, 8, 0, 0)

function decimal(value: number): string {
  return value.toFixed(10)
}

function generateLocations(rng: Rng, domain: string): HqLocation[] {
  const locations: HqLocation[] = []
  let nextId = 1
  const add = (
    name: string,
    siteCode: string,
    type: HqLocationType,
    parent: HqLocation | null,
    coords: { lat: number; lon: number } | null,
    data: Record<string, string>
  ): HqLocation => {
    const id = nextId++
    const created = EPOCH + id * 37 * 60_000
    const location: HqLocation = {
      id,
      location_id: hexId(rng),
      domain,
      name,
      site_code: siteCode,
      external_id: chance(rng, 0.2) ? `EXT-${1000 + id}` : null,
      created_at: pyIsoDate(created, intBetween(rng, 0, 999_999)),
      last_modified: pyIsoDate(created + 86_400_000, intBetween(rng, 0, 999_999)),
      latitude: coords ? decimal(coords.lat) : null,
      longitude: coords ? decimal(coords.lon) : null,
      location_data: data,
      parent_location_id: parent ? parent.location_id : '',
      location_type_name: type.name,
      location_type_code: type.code
    }
    locations.push(location)
    return location
  }
  const [countryType, regionType, districtType, facilityType] = LOCATION_TYPES as [
    HqLocationType,
    HqLocationType,
    HqLocationType,
    HqLocationType
  ]

  for (const country of TREE) {
    const countryLoc = add(country.name[0], country.name[1], countryType, null, null, {})
    for (const [regionName, regionSlug] of country.regions) {
      const regionLoc = add(regionName, regionSlug, regionType, countryLoc, null, {})
      for (const [suffix, suffixSlug] of DISTRICT_SUFFIX[country.lang]) {
        const districtName = `${regionName} ${suffix}`
        const districtSlug = `${regionSlug}_${suffixSlug}`
        const districtLoc = add(districtName, districtSlug, districtType, regionLoc, null, {
          population: String(intBetween(rng, 20, 400) * 1000)
        })
        for (let k = 1; k <= FACILITIES_PER_DISTRICT; k++) {
          const coords = chance(rng, 0.85)
            ? { lat: country.lat + (rng() - 0.5) * 2, lon: country.lon + (rng() - 0.5) * 2 }
            : null
          add(
            facilityName(country.lang, districtName, k),
            `${districtSlug}_hc_${k}`,
            facilityType,
            districtLoc,
            coords,
            {
              facility_level: String(intBetween(rng, 1, 4))
            }
          )
        }
      }
    }
  }
  return locations
}

function generateGroups(rng: Rng, domain: string, users: number): HqGroup[] {
  const count = Math.min(300, Math.max(3, Math.round(users / 40)))
  const groups: HqGroup[] = []
  for (let i = 0; i < count; i++) {
    const base = GROUP_NAMES[i % GROUP_NAMES.length] ?? 'Group'
    const round = Math.floor(i / GROUP_NAMES.length)
    const id = hexId(rng)
    groups.push({
      id,
      name: round === 0 ? base : `${base} ${round + 1}`,
      users: [],
      case_sharing: chance(rng, 0.3),
      reporting: chance(rng, 0.9),
      metadata: chance(rng, 0.2) ? { area: pick(rng, VILLAGES) } : {},
      domain,
      resource_uri: `/a/${domain}/api/v0.5/group/${id}/`
    })
  }
  return groups
}

function generateApplications(rng: Rng, domain: string): HqApplication[] {
  const specs = [
    { name: 'Maternal & Child Health', caseType: 'mother', props: ['edd', 'anc_visits', 'village'] },
    { name: 'Santé communautaire', caseType: 'menage', props: ['chef_de_menage', 'nb_enfants'] },
    { name: 'Immunization tracker', caseType: 'child', props: ['dob', 'bcg', 'opv1'] }
  ]
  return specs.map((spec, i) => {
    const id = hexId(rng)
    const moduleId = hexId(rng)
    const formId = hexId(rng)
    return {
      id,
      name: spec.name,
      version: intBetween(rng, 3, 120),
      is_released: i !== 2,
      built_on: pyIsoDate(EPOCH + (i + 1) * 9 * 86_400_000, intBetween(rng, 0, 999_999)),
      build_comment: i === 0 ? 'Added ANC follow-up form' : null,
      built_from_app_id: null,
      modules: [
        {
          name: { en: `${spec.name} – registration` },
          case_type: spec.caseType,
          case_properties: spec.props,
          unique_id: moduleId,
          forms: [
            {
              xmlns: `http://openrosa.org/formdesigner/${formId.toUpperCase()}`,
              name: { en: 'Registration' },
              unique_id: formId,
              questions: []
            }
          ]
        }
      ],
      versions: [],
      resource_uri: `/a/${domain}/api/v0.5/application/${id}/`
    }
  })
}

function quirkyName(rng: Rng, display: string): string {
  // Decomposed (NFD) text arrives from some keyboards and spreadsheet exports; stray spaces too.
  if (chance(rng, 0.03)) return display.normalize('NFD')
  if (chance(rng, 0.01)) return `${display} `
  return display
}

function nullableName(rng: Rng, display: string, pNull: number, pEmpty: number): string | null {
  const r = rng()
  if (r < pNull) return null
  if (r < pNull + pEmpty) return ''
  return quirkyName(rng, display)
}

// Builds workers for the initial project and for later additions (addWorkers, shift faults,
// registrations), so every worker looks the same whatever created it.
export class WorkerFactory {
  private readonly facilities: HqLocation[]
  private readonly districts: HqLocation[]

  constructor(
    private readonly domain: string,
    locations: HqLocation[],
    private nextNumber: number
  ) {
    this.facilities = locations.filter((l) => l.location_type_code === 'facility')
    this.districts = locations.filter((l) => l.location_type_code === 'district')
  }

  // bare: a self-registered worker (no location, groups or project custom data yet).
  make(
    rng: Rng,
    groups: HqGroup[],
    overrides?: { phoneNumbers?: string[]; userData?: Record<string, string>; bare?: boolean }
  ): HqWorker {
    const bare = overrides?.bare === true
    const n = this.nextNumber++
    const culture: Culture = pickWeighted(rng, CULTURE_WEIGHTS)
    const [givenDisplay, givenAscii] = pick(rng, culture.given)
    const [familyDisplay, familyAscii] = pick(rng, culture.family)
    const id = hexId(rng)
    const phones = overrides?.phoneNumbers ?? workerPhoneNumbers(rng, culture.home ?? randomCountry(rng))

    const emailRoll = rng()
    const email =
      emailRoll < 0.35
        ? ''
        : emailRoll < 0.75
          ? `${givenAscii}.${familyAscii}@example.org`
          : `${givenAscii}${intBetween(rng, 1, 99)}@example.com`

    let locations: string[] = []
    let primary: string | null = null
    if (!bare && this.facilities.length > 0 && chance(rng, 0.85)) {
      const facility = pick(rng, this.facilities)
      primary = facility.location_id
      locations = [facility.location_id]
      if (chance(rng, 0.2)) {
        const extra =
          chance(rng, 0.5) && this.districts.length > 0
            ? pick(rng, this.districts)
            : pick(rng, this.facilities)
        if (extra.location_id !== primary) locations.push(extra.location_id)
      }
    }

    const userData: Record<string, string> = { commcare_project: this.domain }
    if (primary) {
      userData.commcare_location_id = primary
      userData.commcare_location_ids = locations.join(' ')
      userData.commcare_primary_case_sharing_id = primary
    }
    if (!bare) this.addCustomData(rng, culture, userData)
    if (overrides?.userData) Object.assign(userData, overrides.userData)

    const groupIds: string[] = []
    if (!bare && groups.length > 0) {
      const roll = rng()
      const count = roll < 0.35 ? 0 : roll < 0.85 ? 1 : 2
      for (let i = 0; i < count; i++) {
        const group = pick(rng, groups)
        if (!groupIds.includes(group.id)) groupIds.push(group.id)
      }
    }

    return {
      type: 'user',
      id,
      username: `${givenAscii}.${n}@${this.domain}.commcarehq.org`,
      first_name: nullableName(rng, givenDisplay, 0.02, 0.01),
      last_name: nullableName(rng, familyDisplay, 0.03, 0.02),
      default_phone_number: phones[0] ?? null,
      email,
      phone_numbers: phones,
      groups: groupIds,
      user_data: userData,
      locations,
      primary_location: primary,
      eulas: '[]',
      resource_uri: `/a/${this.domain}/api/v0.5/user/${id}/`
    }
  }

  private addCustomData(rng: Rng, culture: Culture, userData: Record<string, string>): void {
    if (chance(rng, 0.8)) userData.village = pick(rng, VILLAGES)
    if (chance(rng, 0.7)) {
      const letters = String.fromCharCode(
        65 + intBetween(rng, 0, 25),
        65 + intBetween(rng, 0, 25),
        65 + intBetween(rng, 0, 25)
      )
      userData.chw_id = `${intBetween(rng, 10, 99)}/${intBetween(rng, 10, 99)}/${letters}`
    }
    // Keys starting with a digit are legal in HQ custom data and vanish from XML output.
    if (chance(rng, 0.5)) userData['2nd_language'] = pick(rng, culture.languages)
    if (chance(rng, 0.2)) userData['1st_visit_done'] = chance(rng, 0.5) ? 'yes' : 'no'
    if (chance(rng, 0.4)) {
      userData.training_date = `2023-${String(intBetween(rng, 1, 12)).padStart(2, '0')}-${String(intBetween(rng, 1, 28)).padStart(2, '0')}`
    }
    if (chance(rng, 0.3)) {
      const [supGiven] = pick(rng, culture.given)
      const [supFamily] = pick(rng, culture.family)
      userData.supervisor = `${supGiven} ${supFamily}`
    }
  }
}

export interface Generated {
  data: SimData
  factory: WorkerFactory
}

// O(n): one pass over workers; group membership is appended as workers are made.
export function generateData(opts: { users: number; seed: number; domain?: string }): Generated {
  const domain = opts.domain ?? DOMAIN
  // One stream per kind, so worker N is the same person whatever --users says (only group ids,
  // whose count follows the project size, differ).
  const locations = generateLocations(mulberry32(deriveSeed(opts.seed, 'locations')), domain)
  const groups = generateGroups(mulberry32(deriveSeed(opts.seed, 'groups')), domain, opts.users)
  const applications = generateApplications(mulberry32(deriveSeed(opts.seed, 'applications')), domain)
  const rng = mulberry32(deriveSeed(opts.seed, 'workers'))
  const factory = new WorkerFactory(domain, locations, 1)
  const groupById = new Map(groups.map((g) => [g.id, g]))

  const workers: HqWorker[] = new Array<HqWorker>(opts.users)
  const archivedIds = new Set<string>()
  for (let i = 0; i < opts.users; i++) {
    const worker = factory.make(rng, groups)
    workers[i] = worker
    if (chance(rng, 0.1)) archivedIds.add(worker.id)
    for (const groupId of worker.groups) groupById.get(groupId)?.users.push(worker.id)
  }

  return {
    data: { workers, groups, locations, locationTypes: [...LOCATION_TYPES], applications, archivedIds },
    factory
  }
}
