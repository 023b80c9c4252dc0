// The version sent in the User-Agent. A unit test keeps it equal to package.json's version,
// because importing package.json from here would pull it outside the typecheck project.
export const ROSTER_VERSION = '0.1.0'

export function userAgent(version: string = ROSTER_VERSION): string {
  return `Roster/${version}`
}
