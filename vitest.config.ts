import { defineConfig } from "vitest/config"

// Workspace packages export their TypeScript sources under the "source" condition, so tests run
// against src/ without a build step.
const conditions = ["source", "module", "node", "import", "default"]

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    projects: ["packages/*", "apps/*", "test"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
  },
})
