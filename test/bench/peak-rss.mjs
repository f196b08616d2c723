import { writeFileSync } from "node:fs"

// Preloaded (`node --import`) into the engine process the benchmark starts: on exit, writes the
// process's peak RSS in bytes (the kernel's high-water mark, which no sampling can miss) to the
// file PAPERBRIDGE_BENCH_PEAK_RSS names. Plain JavaScript, so that no TypeScript loader adds to it.
const file = process.env.PAPERBRIDGE_BENCH_PEAK_RSS
if (file !== undefined)
  process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)))
