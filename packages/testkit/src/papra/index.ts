export type { ValidationIssue } from "./errors.js"
export { extractContent } from "./extraction.js"
export type { PapraCorpus, PapraSeedDocument, PapraSeeded, PapraSeedProperty, PapraSeedTag } from "./seed.js"
export {
  PAPRA_DEFAULT_MAX_UPLOAD_SIZE,
  type PapraSimulator,
  type PapraSimulatorOptions,
  papraSimulator,
  startPapraSimulator,
} from "./simulator.js"
export {
  PAPRA_PERMISSIONS,
  PAPRA_PROPERTY_TYPES,
  type PapraPermission,
  type PapraPropertyType,
} from "./store.js"
