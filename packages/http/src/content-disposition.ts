/**
 * The file name a `Content-Disposition` header gives. `filename*=UTF-8''…` (RFC 5987) wins over the
 * plain parameter: Paperless-ngx's ASCII fallback drops every non-ASCII character
 * (`documents.download.unicode.json`), and Papra sends only the extended form.
 */
export const filenameFromContentDisposition = (header: string | undefined): string | undefined => {
  if (header === undefined) return undefined
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header)?.[2]?.trim()
  if (extended !== undefined) {
    try {
      return decodeURIComponent(extended)
    } catch {
      // A malformed escape: the plain parameter, if any, is the better name.
    }
  }
  const plain = /filename\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]+)/i.exec(header)
  if (plain === null) return extended
  return plain[2] !== undefined ? plain[2].replace(/\\(.)/g, "$1") : plain[1]?.trim()
}
