export type {
  PaperlessCorpus,
  SeedCustomField,
  SeedDocument,
  SeededIds,
  SeedMatchingObject,
  SeedRef,
  SeedUser,
} from "./seed.js"
export {
  buildPaperlessServer,
  limitedPassword,
  type PaperlessSimulator,
  type PaperlessSimulatorOptions,
  paperlessSimulator,
  startPaperlessSimulator,
} from "./simulator.js"
export type {
  CustomFieldType as PaperlessCustomFieldType,
  Generation as PaperlessGeneration,
} from "./store.js"
