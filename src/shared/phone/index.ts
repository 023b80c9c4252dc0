export { repairInput, type RepairResult } from './repair'
export {
  normalisePhone,
  digitsOf,
  isMobileType,
  type PhoneResult,
  type PhoneOk,
  type PhoneProblem,
  type PhoneType
} from './normalise'
export { searchFormsOfPhone, phoneQueryDigits } from './search'
export {
  isCountryCode,
  toCountryCode,
  callingCodeOf,
  countryName,
  aNumberIn,
  type CountryCode
} from './country'
