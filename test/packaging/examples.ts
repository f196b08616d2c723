/**
 * The README examples, by package: each file in `packages/<name>/examples/` and a line it must print
 * when it runs against the simulators. A file missing here fails the coverage test.
 */
export const examplePackages = ["paperless", "papra", "mapping", "testkit"] as const

export interface ExampleExpectation {
  /** Under the project's `examples/` folder. */
  readonly file: string
  readonly prints: ReadonlyArray<string>
}

export const exampleExpectations: ReadonlyArray<ExampleExpectation> = [
  { file: "paperless/connect.ts", prints: ["Paperless-ngx 3.0.5, API 10", "ACME invoice 0815"] },
  {
    file: "paperless/upload.ts",
    prints: [
      "consumed as document #",
      'now titled "ACME invoice 4711 (paid)"',
      // the server names the file by its filename format: created date, then title
      "downloaded 2024-03-12 ACME invoice 4711 (paid).pdf",
    ],
  },
  { file: "paperless/errors.mjs", prints: ["404 from /api/documents/424242/", "refused before sending"] },
  { file: "papra/connect.ts", prints: ["Papra organization Primary Org", "invoice-0815.txt"] },
  {
    file: "papra/upload.ts",
    prints: ["text extracted: true", 'now named "ACME invoice 4711"', "downloaded"],
  },
  { file: "papra/errors.mjs", prints: ["404 document.not_found", "refused before sending: documentId"] },
  { file: "mapping/translate.ts", prints: ["Papra document: ACME invoice 4711", "losses:"] },
  { file: "testkit/simulator.test.ts", prints: [] },
]
