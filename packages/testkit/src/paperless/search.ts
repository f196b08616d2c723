import type { SimResponse } from "../http-server.js"
import { canView } from "./permissions.js"
import { type Context, htmlText, json } from "./responses.js"
import type { DocumentRecord, PaperlessStore } from "./store.js"

/**
 * A small stand-in for the Whoosh index: ASCII-folded word matching over title, content, notes and
 * metadata names, `field:term` syntax, AND by default, `OR`/`NOT`, and the hit decoration
 * (`__search_hit__` with `<b>` highlights and rank from 1 on 3.0; `<span class="match termN">`,
 * `note_highlights: ""` and rank from 0 on 2.20, `documents.list.query*.json`).
 */

export const foldWord = (word: string) =>
  word
    .normalize("NFKD")
    .replace(/[^\p{ASCII}]/gu, "")
    .toLowerCase()

const wordsOf = (text: string) =>
  text
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== "")
    .map(foldWord)

const stem = (word: string) => word.replace(/(es|s)$/, "")

const matchesWord = (term: string, word: string) => word === term || stem(word) === stem(term)

interface Clause {
  readonly field: string | undefined
  readonly term: string
  readonly negated: boolean
}

export type ParsedQuery =
  | { readonly groups: ReadonlyArray<ReadonlyArray<Clause>> }
  | { readonly syntaxError: true }

/** Disjunction of conjunctions: `a b OR c` → (a ∧ b) ∨ c. */
export const parseQuery = (raw: string): ParsedQuery => {
  let depth = 0
  for (const char of raw) {
    if (char === "(") depth += 1
    if (char === ")") depth -= 1
    if (depth < 0) return { syntaxError: true }
  }
  if (depth !== 0 || /(^|\s)\w+:(\s|$)/.test(raw)) return { syntaxError: true }
  const groups: Array<Array<Clause>> = [[]]
  let negateNext = false
  for (const token of raw
    .replace(/[()]/g, " ")
    .split(/\s+/)
    .filter((part) => part !== "")) {
    if (token === "OR") {
      groups.push([])
      continue
    }
    if (token === "AND") continue
    if (token === "NOT") {
      negateNext = true
      continue
    }
    const colon = token.indexOf(":")
    const field = colon > 0 ? token.slice(0, colon).toLowerCase() : undefined
    const text = colon > 0 ? token.slice(colon + 1) : token
    for (const term of wordsOf(text.replace(/\*$/, "")))
      groups.at(-1)?.push({ field, term, negated: negateNext })
    negateNext = false
  }
  return { groups: groups.filter((group) => group.length > 0) }
}

const fieldTexts = (store: PaperlessStore, document: DocumentRecord): Record<string, string> => ({
  title: document.title,
  content: document.content,
  notes: document.notes.map((note) => note.note).join("\n"),
  correspondent: store.objects.correspondents.get(document.correspondent ?? -1)?.name ?? "",
  type: store.objects.document_types.get(document.documentType ?? -1)?.name ?? "",
  tag: document.tags.map((tag) => store.objects.tags.get(tag)?.name ?? "").join(" "),
  path: store.objects.storage_paths.get(document.storagePath ?? -1)?.name ?? "",
  original_filename: document.originalFileName,
  asn: document.asn === null ? "" : String(document.asn),
})

const fieldAliases: Record<string, string> = {
  tags: "tag",
  document_type: "type",
  note: "notes",
  storage_path: "path",
}

/** How many times the clause's term occurs; 0 means no match. */
const occurrences = (texts: Record<string, string>, clause: Clause) => {
  const field = clause.field === undefined ? undefined : (fieldAliases[clause.field] ?? clause.field)
  const sources = field === undefined ? Object.values(texts) : [texts[field] ?? ""]
  return sources.reduce(
    (sum, text) => sum + wordsOf(text).filter((word) => matchesWord(clause.term, word)).length,
    0,
  )
}

/** The score of a document for the query, or undefined when it does not match. */
export const scoreDocument = (store: PaperlessStore, document: DocumentRecord, query: ParsedQuery) => {
  if ("syntaxError" in query) return undefined
  const texts = fieldTexts(store, document)
  let best: number | undefined
  for (const group of query.groups) {
    let score = 0
    let matched = true
    for (const clause of group) {
      const count = occurrences(texts, clause)
      if (clause.negated ? count > 0 : count === 0) matched = false
      score += clause.negated ? 0 : count
    }
    if (matched && (best === undefined || score > best)) best = score
  }
  return best
}

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

/** Highlighted excerpt of the content around the matched terms (empty when none is in the content). */
export const highlight = (store: PaperlessStore, document: DocumentRecord, query: ParsedQuery) => {
  if ("syntaxError" in query) return ""
  const terms = [
    ...new Set(
      query.groups
        .flat()
        .filter((clause) => !clause.negated)
        .map((clause) => clause.term),
    ),
  ]
  let found = false
  const marked = document.content.replace(/[\p{L}\p{N}]+/gu, (word) => {
    const index = terms.findIndex((term) => matchesWord(term, foldWord(word)))
    if (index < 0) return escapeHtml(word)
    found = true
    return store.generation === "3.0" ? `<b>${word}</b>` : `<span class="match term${index}">${word}</span>`
  })
  return found ? marked.slice(0, 200) : ""
}

/** Words of the index starting with `term`, ASCII-folded, as `/api/search/autocomplete/` lists them. */
export const autocomplete = (context: Context): SimResponse => {
  const term = context.query.get("term")
  if (term === null || term === "") return htmlText(400, "Term required")
  const limit = Number(context.query.get("limit") ?? "10")
  const folded = foldWord(term)
  const counts = new Map<string, number>()
  for (const document of context.store.liveDocuments()) {
    if (!canView(context.user, document.owner, document.permissions)) continue
    for (const word of wordsOf(`${document.title} ${document.content}`)) {
      if (word.startsWith(folded)) counts.set(word, (counts.get(word) ?? 0) + 1)
    }
  }
  const words = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([word]) => word)
  return json(200, words.slice(0, Number.isInteger(limit) && limit > 0 ? limit : 10))
}
