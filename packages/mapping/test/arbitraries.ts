import * as fc from "fast-check"

/**
 * One Unicode code point, weighted towards what archives hold (accents, dashes, CJK, emoji, controls
 * and line breaks) but reaching every plane. fast-check's own `unit: "binary"` costs seconds to set
 * up in every test file; this costs nothing.
 */
const codePoint = fc.oneof(
  fc.constantFrom(
    "ä",
    "Ü",
    "ß",
    "–",
    "✓",
    "€",
    "🧾",
    "😀",
    "漢",
    "\u00a0",
    "\t",
    "\n",
    "\r",
    "\u2028",
    " ",
    "/",
    ",",
  ),
  fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCodePoint(code)),
  fc
    .integer({ min: 0, max: 0x10ffff })
    .filter((code) => code < 0xd800 || code > 0xdfff)
    .map((code) => String.fromCodePoint(code)),
)

/** Text of up to `maxLength` code points (Paperless counts code points; Papra counts UTF-16 units). */
export const unicodeText = (constraints: { readonly minLength?: number; readonly maxLength: number }) =>
  fc.string({ unit: codePoint, ...constraints })
