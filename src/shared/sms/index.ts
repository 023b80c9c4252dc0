export { gsmSeptets } from './gsm'
export { countSegments, firstUcs2Char, type SegmentCount, type SmsEncoding } from './segments'
export {
  analyseMessage,
  asksReplyOneOrTwo,
  exampleRegistrationUrl,
  type AnalyseOptions,
  type MessageAnalysis,
  type SmsIssue
} from './analyse'
