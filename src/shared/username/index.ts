export { HQ_USERNAME_MAX, usernameHost, usernameLimit, stripUsernameHost, usernameProject } from './limit'
export { foldUsername, trimDots, usernameCharacterProblem, USERNAME_CHARACTERS } from './fold'
export {
  DEFAULT_USERNAME_TEMPLATE,
  USERNAME_PLACEHOLDERS,
  parseUsernameTemplate,
  usernameTemplateProblem,
  personNames,
  renderUsername,
  type UsernamePlaceholder,
  type TemplatePart,
  type ParsedTemplate,
  type TemplatePerson
} from './template'
export {
  FIRST_SUFFIX,
  MAX_SUFFIX,
  usernameCandidate,
  usernameQueries,
  usernameGroupKey,
  assignUsernames,
  UsernameAssigner,
  type UsernameClaim,
  type UsernameOutcome
} from './unique'
export { checkUsernameCell, type UsernameCellCheck, type UsernameCellProblem } from './check'
