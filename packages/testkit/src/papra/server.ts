import { customPropertyRoutes } from "./custom-properties.js"
import { activityRoute, type DocumentRouteOptions, documentRoutes } from "./documents.js"
import { organizationRoutes } from "./organizations.js"
import { json, open, type Route, route, session } from "./router.js"
import { tagRoutes } from "./tags.js"

/** Public routes: no key needed (ping.json, health.json, config.json). */
const publicRoutes: ReadonlyArray<Route> = [
  route("GET", "/api/ping", open, () => json({ status: "ok" })),
  route("GET", "/api/health", open, () =>
    json({ isDatabaseHealthy: true, isEverythingOk: true, status: "ok" }),
  ),
  route("GET", "/api/config", open, () =>
    json({
      config: {
        version: "simulator",
        gitCommitSha: "2b110a4ce175cddfd18f3f4c44c16068037542c8",
        gitCommitDate: "2026-07-23T22:41:17+02:00",
        auth: {
          isEmailVerificationRequired: false,
          isPasswordResetEnabled: false,
          isRegistrationEnabled: false,
          showLegalLinksOnAuthPage: false,
          providers: {
            email: { isEnabled: false },
            github: { isEnabled: false },
            google: { isEnabled: false },
            customs: [],
          },
        },
        documents: { deletedDocumentsRetentionDays: 30 },
        intakeEmails: { isEnabled: false },
        organizations: { deletedOrganizationsPurgeDaysDelay: 30 },
        autoTagging: { isEnabled: false },
      },
    }),
  ),
]

const sessionOnly = (entries: ReadonlyArray<readonly [string, string]>) =>
  entries.map(([method, path]) => route(method, path, session))

const org = "/api/organizations/:organizationId"

// Tagging rules, webhooks, document views, members and the api-keys list take only a session: an
// API key gets 401 even where the docs say otherwise (tagging-rules.apply.with-api-key.json).
const sessionRoutes = sessionOnly([
  ["GET", "/api/users/me"],
  ["PUT", "/api/users/me"],
  ["GET", "/api/invitations"],
  ["GET", "/api/invitations/count"],
  ["POST", `${org}/document-views`],
  ["GET", `${org}/document-views`],
  ["PUT", `${org}/document-views/:documentViewId`],
  ["DELETE", `${org}/document-views/:documentViewId`],
  ["GET", `${org}/tagging-rules`],
  ["POST", `${org}/tagging-rules`],
  ["DELETE", `${org}/tagging-rules/:taggingRuleId`],
  ["GET", `${org}/tagging-rules/:taggingRuleId`],
  ["PUT", `${org}/tagging-rules/:taggingRuleId`],
  ["POST", `${org}/tagging-rules/:taggingRuleId/apply`],
  ["POST", "/api/api-keys"],
  ["GET", "/api/api-keys"],
])

const currentApiKey = route("GET", "/api/api-keys/current", { kind: "current-key" }, ({ key }) =>
  json({ apiKey: { id: key.id, name: key.name, permissions: key.permissions } }),
)

const webhookRoutes = sessionOnly([
  ["DELETE", "/api/api-keys/:apiKeyId"],
  ["POST", `${org}/webhooks`],
  ["GET", `${org}/webhooks`],
  ["GET", `${org}/webhooks/:webhookId`],
  ["PUT", `${org}/webhooks/:webhookId`],
  ["DELETE", `${org}/webhooks/:webhookId`],
])

/** Every route, in the order the real server registers them (apps/papra-server/src/modules/app/server.routes.ts). */
export const papraRoutes = (options: DocumentRouteOptions): ReadonlyArray<Route> => [
  ...publicRoutes,
  ...organizationRoutes,
  ...documentRoutes(options),
  ...tagRoutes,
  ...sessionRoutes,
  currentApiKey,
  ...webhookRoutes,
  activityRoute,
  ...customPropertyRoutes,
]
