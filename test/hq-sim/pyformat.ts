// Python's str.format(arg) with one positional argument, as HQ applies it to an android_only
// custom registration message. Messages Python would reject ("{name}", "{} {}", a lone brace)
// make HQ fail with HTTP 500 after the invitation was saved; the simulator reproduces that.

export type FormatResult = { ok: true; text: string } | { ok: false; error: string }

export function pythonFormat(template: string, arg: string): FormatResult {
  let out = ''
  let auto: boolean | null = null // null: no field seen yet; true: "{}"; false: "{0}"
  let nextAuto = 0
  let i = 0
  while (i < template.length) {
    const ch = template[i]
    if (ch === '{') {
      if (template[i + 1] === '{') {
        out += '{'
        i += 2
        continue
      }
      const close = template.indexOf('}', i + 1)
      if (close < 0) return { ok: false, error: "ValueError: expected '}' before end of string" }
      const field = template.slice(i + 1, close)
      if (field.includes('{'))
        return { ok: false, error: 'ValueError: nested replacement fields are not supported here' }
      const match = /^([^!:]*)(?:!([^:]*))?(?::(.*))?$/s.exec(field)
      const name = match?.[1] ?? ''
      const conversion = match?.[2]
      if (conversion !== undefined && !['r', 's', 'a'].includes(conversion)) {
        return { ok: false, error: 'ValueError: Unknown conversion specifier' }
      }
      let index: number
      if (name === '') {
        if (auto === false) {
          return {
            ok: false,
            error: 'ValueError: cannot switch from manual field specification to automatic field numbering'
          }
        }
        auto = true
        index = nextAuto++
      } else if (/^\d+$/.test(name)) {
        if (auto === true) {
          return {
            ok: false,
            error: 'ValueError: cannot switch from automatic field numbering to manual field specification'
          }
        }
        auto = false
        index = Number(name)
      } else {
        return { ok: false, error: `KeyError: '${name}'` }
      }
      if (index !== 0)
        return {
          ok: false,
          error: `IndexError: Replacement index ${index} out of range for positional args tuple`
        }
      out += conversion === 'r' || conversion === 'a' ? `'${arg}'` : arg
      i = close + 1
      continue
    }
    if (ch === '}') {
      if (template[i + 1] === '}') {
        out += '}'
        i += 2
        continue
      }
      return { ok: false, error: "ValueError: Single '}' encountered in format string" }
    }
    out += ch
    i++
  }
  return { ok: true, text: out }
}
