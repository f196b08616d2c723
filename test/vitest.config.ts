import { defineProject } from "vitest/config"

const conditions = ["source", "module", "node", "import", "default"]

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    name: "@paperbridge/test",
    testTimeout: 120_000,
    hookTimeout: 60_000,
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
  },
})
