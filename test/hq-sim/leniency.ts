// HQ's corehq.apps.sms.mixin.apply_leniency: strip spaces, brackets, dashes and dots, then one
// leading "+". Python's \s is Unicode-aware, as is JavaScript's.
export function applyLeniency(phoneNumber: string): string {
  const stripped = phoneNumber.replace(/[()\s\-.]+/g, '')
  return stripped.startsWith('+') ? stripped.slice(1) : stripped
}

// validate_number_format uses Python's re \d, which matches any Unicode decimal digit
// (Devanagari ०-९, Arabic-Indic ٠-٩ ...), not only 0-9.
export function isAllDigits(value: string): boolean {
  return /^\p{Nd}+$/u.test(value)
}
