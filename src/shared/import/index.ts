export {
  type ParsedTable,
  type DelimitedTable,
  type SheetTable,
  type PastedTable,
  type ParseIssue,
  type Delimiter,
  ParsedTableSchema,
  DelimitedTableSchema,
  SheetTableSchema,
  PastedTableSchema,
  ParseIssueSchema,
  DelimiterSchema,
  columnLetter
} from './table'
export { decodeBytes, ENCODING_CHOICES } from './bytes'
export { detectEncoding, type EncodingGuess } from './encoding'
export { parseDelimited, type DelimitedOptions } from './delimited'
export { parseDelimitedText, detectDelimiter, type DelimitedTextOptions } from './delimitedText'
export { detectHeaderRow, foldHeader, phoneHeaderScore } from './header'
export {
  openWorkbook,
  listSheets,
  readSheet,
  cellText,
  SpreadsheetError,
  type Workbook,
  type SheetOptions
} from './xlsx'
export { parsePaste } from './paste'
export { isSpreadsheet } from './sniff'
export {
  guessPhoneColumn,
  defaultMapping,
  importRows,
  slugifyKey,
  isValidUserDataKey,
  userDataKeyProblem,
  isReservedKey,
  ColumnMappingSchema,
  FieldMappingSchema,
  ACCOUNT_ROLES,
  AccountRoleSchema,
  AccountRolesSchema,
  guessAccountRoles,
  accountRoleReason,
  roleOfColumn,
  type ColumnMapping,
  type FieldMapping,
  type AccountRole,
  type AccountRoles
} from './mapping'
export {
  USERNAME_PROBLEMS,
  USERNAME_SOURCES,
  type AccountsContext,
  type UsernameLookups,
  type UsernameProblem,
  type UsernameSource
} from './accounts'
export {
  validateRows,
  ValidationIndex,
  lookupsFromLists,
  invitableRows,
  isNonMobile,
  ImportRowSchema,
  ValidatedRowSchema,
  RowStatusSchema,
  ClashSchema,
  RegisteredWorkerSchema,
  PriorInvitationSchema,
  type ImportRow,
  type InvitableRow,
  type ValidatedRow,
  type RowStatus,
  type Clash,
  type RegisteredWorker,
  type PriorInvitation,
  type PhoneLookups,
  type ValidationContext,
  type StatusCounts
} from './validate'
