import type { RetryClassifier, RetryPolicy } from "@paperbridge/http"
import { PapraApiError, type PapraError, PapraTransportError } from "./errors.js"

export type { RetryPolicy } from "@paperbridge/http"

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 250,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 15_000,
}

/**
 * Whether a failed attempt may be sent again. A 429 means the server refused the request before
 * acting on it, so even a create may be repeated. A 5xx or a lost connection may have happened
 * after the server acted, so only calls that are safe to replay are repeated then.
 */
export const isRetryable = (error: PapraError, idempotent: boolean): boolean => {
  if (error instanceof PapraApiError) return error.status === 429 || (idempotent && error.status >= 500)
  if (error instanceof PapraTransportError) return idempotent && error.reason !== "InvalidUrl"
  return false
}

export const retryClassifier = (idempotent: boolean): RetryClassifier<PapraError> => ({
  isRetryable: (error) => isRetryable(error, idempotent),
  retryAfterSeconds: (error) => (error instanceof PapraApiError ? error.retryAfterSeconds : undefined),
  describe: (error) => ({ endpoint: error.endpoint, error: error._tag }),
})
