/** Papra stores tag colours upper-case; Paperless accepts `#rrggbb` in any case. */
export const toPapraColor = (paperlessColor: string) => paperlessColor.toUpperCase()
export const toPaperlessColor = (papraColor: string) => papraColor.toLowerCase()
