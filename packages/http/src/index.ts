export * from "./content-disposition.js"
export * from "./promise-facade.js"
export * from "./retry.js"
