import type { DocumentRecord, PapraStore, PropertyDefinitionRecord } from "./store.js"

/**
 * Papra's document search language (packages/search-parser and the FTS5 query builder), reduced
 * to what a client can observe: words match name or content as an FTS5 prefix phrase; filters
 * `tag:`, `name:`, `content:`, `date:`/`created:` with `= < <= > >=`, `has:tags`, `has:date`,
 * `has:<property key>` and `<property key>:value`; `-`/`NOT` negate, `OR` alternates, words AND.
 * A malformed query is never an error: the real server answers 200 (documents.list.search-malformed.json).
 */
type Expression =
  | { readonly type: "text"; readonly value: string }
  | { readonly type: "filter"; readonly field: string; readonly operator: Operator; readonly value: string }
  | { readonly type: "not"; readonly operand: Expression }
  | { readonly type: "and" | "or"; readonly operands: ReadonlyArray<Expression> }
  | { readonly type: "nothing" }

type Operator = "=" | "<" | "<=" | ">" | ">="

type Token =
  | { readonly kind: "word"; readonly text: string; readonly quoted: boolean }
  | { readonly kind: "(" }
  | { readonly kind: ")" }

// An unclosed quote runs to the end of the query, as in @papra/search-parser's tokenizer; a
// backslash inside quotes escapes the next character.
const readQuoted = (query: string, start: number): { readonly text: string; readonly end: number } => {
  let text = ""
  let index = start + 1
  while (index < query.length) {
    const char = query[index] ?? ""
    if (char === "\\" && index + 1 < query.length) {
      text += query[index + 1]
      index += 2
    } else if (char === '"') {
      return { text, end: index + 1 }
    } else {
      text += char
      index++
    }
  }
  return { text, end: index }
}

const tokenize = (query: string): Array<Token> => {
  const tokens: Array<Token> = []
  let index = 0
  while (index < query.length) {
    const char = query[index] ?? ""
    if (/\s/.test(char)) {
      index++
    } else if (char === "(" || char === ")") {
      tokens.push(char === "(" ? { kind: "(" } : { kind: ")" })
      index++
    } else {
      let text = ""
      let quoted = false
      while (index < query.length && !/[\s()]/.test(query[index] ?? "")) {
        if (query[index] === '"') {
          const read = readQuoted(query, index)
          text += read.text
          quoted = true
          index = read.end
        } else {
          text += query[index]
          index++
        }
      }
      tokens.push({ kind: "word", text, quoted })
    }
  }
  return tokens
}

const termOf = (token: { readonly text: string; readonly quoted: boolean }): Expression => {
  const filter = token.quoted ? undefined : /^([A-Za-z_][\w-]*):(<=|>=|<|>|=)?(.*)$/.exec(token.text)
  const quotedFilter = token.quoted ? /^([A-Za-z_][\w-]*):(<=|>=|<|>|=)?(.+)$/.exec(token.text) : undefined
  const match = filter ?? quotedFilter
  if (match?.[1] !== undefined && match[3] !== undefined && match[3] !== "") {
    return {
      type: "filter",
      field: match[1].toLowerCase(),
      operator: (match[2] ?? "=") as Operator,
      value: match[3],
    }
  }
  return { type: "text", value: token.text }
}

const parse = (query: string): Expression => {
  const tokens = tokenize(query)
  let position = 0
  const peek = () => tokens[position]
  const parseOr = (): Expression => {
    const operands = [parseAnd()]
    for (let token = peek(); token?.kind === "word" && token.text === "OR" && !token.quoted; token = peek()) {
      position++
      operands.push(parseAnd())
    }
    return operands.length === 1 ? (operands[0] ?? { type: "and", operands: [] }) : { type: "or", operands }
  }
  const parseAnd = (): Expression => {
    const operands: Array<Expression> = []
    for (let token = peek(); token !== undefined && token.kind !== ")"; token = peek()) {
      if (token.kind === "word" && !token.quoted && token.text === "OR") break
      if (token.kind === "word" && !token.quoted && token.text === "AND") {
        position++
        continue
      }
      operands.push(parseUnary())
    }
    return operands.length === 1 ? (operands[0] ?? { type: "and", operands: [] }) : { type: "and", operands }
  }
  const parseUnary = (): Expression => {
    const token = peek()
    position++
    if (token === undefined || token.kind === ")") return { type: "nothing" }
    if (token.kind === "(") {
      const inner = parseOr()
      if (peek()?.kind === ")") position++
      return inner
    }
    if (!token.quoted && token.text === "NOT") return { type: "not", operand: parseUnary() }
    if (!token.quoted && token.text.startsWith("-") && token.text.length > 1) {
      return { type: "not", operand: termOf({ text: token.text.slice(1), quoted: false }) }
    }
    return termOf(token)
  }
  return parseOr()
}

/** SQLite FTS5's default unicode61 tokenizer: letters and digits, case- and accent-folded. */
const words = (text: string) =>
  text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)

/** An FTS5 `"phrase"*` query: the words in a row, the last one as a prefix. */
const phraseMatches = (phrase: string, ...fields: ReadonlyArray<string>) => {
  const wanted = words(phrase.replace(/["'‘’“”]/g, " "))
  if (wanted.length === 0) return false
  return fields.some((field) => {
    const have = words(field)
    for (let start = 0; start + wanted.length <= have.length; start++) {
      const hit = wanted.every((word, offset) => {
        const candidate = have[start + offset] ?? ""
        return offset === wanted.length - 1 ? candidate.startsWith(word) : candidate === word
      })
      if (hit) return true
    }
    return false
  })
}

const compare = (left: number, operator: Operator, right: number) =>
  ({ "=": left === right, "<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right })[
    operator
  ]

const dateValue = (value: string, now: Date) => (value === "now" ? now : new Date(value))

const propertyMatches = (
  store: PapraStore,
  document: DocumentRecord,
  definition: PropertyDefinitionRecord,
  operator: Operator,
  value: string,
): boolean => {
  const rows = store.values.get(document.id)?.get(definition.id) ?? []
  const first = rows[0]
  switch (definition.type) {
    case "number":
      return typeof first === "number" && compare(first, operator, Number(value))
    case "date":
      return (
        first instanceof Date && compare(first.getTime(), operator, dateValue(value, new Date()).getTime())
      )
    case "boolean":
      return first === (value.toLowerCase() === "true")
    case "text":
      return typeof first === "string" && first.toLowerCase() === value.toLowerCase()
    case "select":
    case "multi_select":
      return rows.some((id) => {
        const option = definition.options.find((candidate) => candidate.id === id)
        return (
          option !== undefined &&
          (option.key === value.toLowerCase() || option.name === value || option.id === value)
        )
      })
    default:
      return rows.some((id) => id === value)
  }
}

const evaluate = (
  store: PapraStore,
  document: DocumentRecord,
  expression: Expression,
  now: Date,
): boolean => {
  switch (expression.type) {
    case "nothing":
      return false
    case "text":
      return phraseMatches(expression.value, document.name, document.content)
    case "not":
      return !evaluate(store, document, expression.operand, now)
    case "and":
      return expression.operands.every((operand) => evaluate(store, document, operand, now))
    case "or":
      return expression.operands.some((operand) => evaluate(store, document, operand, now))
    case "filter":
      return filterMatches(store, document, expression, now)
  }
}

const filterMatches = (
  store: PapraStore,
  document: DocumentRecord,
  { field, operator, value }: { readonly field: string; readonly operator: Operator; readonly value: string },
  now: Date,
): boolean => {
  const definition = (key: string) =>
    store.definitionsOf(document.organizationId).find((candidate) => candidate.key === key.toLowerCase())
  switch (field) {
    case "tag":
      return [...document.tagIds].some((id) => {
        const tag = store.tags.get(id)
        return tag !== undefined && (tag.id === value || tag.normalizedName === value.toLowerCase())
      })
    case "name":
      return operator === "=" && phraseMatches(value, document.name)
    case "content":
      return operator === "=" && phraseMatches(value, document.content)
    case "created":
    case "date": {
      const target = dateValue(value, now)
      const own = field === "created" ? document.createdAt : document.documentDate
      return (
        !Number.isNaN(target.getTime()) && own !== null && compare(own.getTime(), operator, target.getTime())
      )
    }
    case "has": {
      if (value === "tags") return document.tagIds.size > 0
      if (value === "date") return document.documentDate !== null
      const property = definition(value)
      return property !== undefined && (store.values.get(document.id)?.get(property.id)?.length ?? 0) > 0
    }
    default: {
      const property = definition(field)
      return property !== undefined && propertyMatches(store, document, property, operator, value)
    }
  }
}

/** The organization's active documents that match a search query (an empty query matches all). */
export const searchDocuments = (
  store: PapraStore,
  organizationId: string,
  query: string,
): Array<DocumentRecord> => {
  const expression = parse(query)
  const now = new Date()
  return [...store.documents.values()].filter(
    (document) =>
      document.organizationId === organizationId &&
      !document.isDeleted &&
      evaluate(store, document, expression, now),
  )
}
