const SPREADSHEET_EXTENSIONS = /\.(xlsx|xlsm|xlsb|xls|ods)$/i

/**
 * Whether a file is a workbook (xlsx, xlsm, ods by their zip signature, old xls by OLE's) or
 * text, whatever it is called: Excel users rename files. One rule for the CLI and the app.
 */
export function isSpreadsheet(name: string, bytes: Uint8Array): boolean {
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
  const ole = bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0
  return zip || ole || SPREADSHEET_EXTENSIONS.test(name)
}
