import * as Schema from "effect/Schema"
import { ownedFields, ownedWriteFields } from "./permissions.js"
import { makeListing, makeResource, OpaqueObject, type Resource } from "./resources.js"
import type { Transport } from "./transport.js"

export const MailAccountId = Schema.Int.pipe(Schema.brand("PaperlessMailAccountId"))
export type MailAccountId = typeof MailAccountId.Type
export const MailRuleId = Schema.Int.pipe(Schema.brand("PaperlessMailRuleId"))
export type MailRuleId = typeof MailRuleId.Type

export const MailAccount = Schema.Struct({
  id: MailAccountId,
  name: Schema.String,
  imap_server: Schema.String,
  imap_port: Schema.NullOr(Schema.Int),
  imap_security: Schema.Int,
  username: Schema.String,
  /** Masked by the server; kept redacted all the same. */
  password: Schema.Redacted(Schema.String),
  character_set: Schema.String,
  is_token: Schema.optional(Schema.Boolean),
  account_type: Schema.optional(Schema.Int),
  expiration: Schema.optional(Schema.NullOr(Schema.String)),
  ...ownedFields,
})
export type MailAccount = typeof MailAccount.Type

export const MailAccountCreate = Schema.Struct({
  name: Schema.String,
  imap_server: Schema.String,
  imap_port: Schema.optional(Schema.NullOr(Schema.Int)),
  imap_security: Schema.optional(Schema.Int),
  username: Schema.String,
  password: Schema.Redacted(Schema.String),
  character_set: Schema.optional(Schema.String),
  is_token: Schema.optional(Schema.Boolean),
  account_type: Schema.optional(Schema.Int),
  ...ownedWriteFields,
})
export type MailAccountCreate = typeof MailAccountCreate.Type
export const MailAccountUpdate = Schema.partial(MailAccountCreate)
export type MailAccountUpdate = typeof MailAccountUpdate.Type

export type MailAccounts = Resource<MailAccountId, MailAccount, MailAccountCreate, MailAccountUpdate>

export const makeMailAccounts = (transport: Transport): MailAccounts =>
  makeResource(transport, {
    path: "/api/mail_accounts/",
    item: MailAccount,
    create: MailAccountCreate,
    update: MailAccountUpdate,
  })

/** A mail rule has some thirty settings that this project never reads; they pass through as is. */
export const MailRule = Schema.extend(
  Schema.Struct({
    id: MailRuleId,
    name: Schema.String,
    account: MailAccountId,
    enabled: Schema.optional(Schema.Boolean),
    order: Schema.optional(Schema.Int),
    ...ownedFields,
  }),
  OpaqueObject,
)
export type MailRule = typeof MailRule.Type

export const MailRuleCreate = Schema.extend(
  Schema.Struct({ name: Schema.String, account: MailAccountId, ...ownedWriteFields }),
  OpaqueObject,
)
export type MailRuleCreate = typeof MailRuleCreate.Type
export const MailRuleUpdate = OpaqueObject
export type MailRuleUpdate = typeof MailRuleUpdate.Type

export type MailRules = Resource<MailRuleId, MailRule, MailRuleCreate, MailRuleUpdate>

export const makeMailRules = (transport: Transport): MailRules =>
  makeResource(transport, {
    path: "/api/mail_rules/",
    item: MailRule,
    create: MailRuleCreate,
    update: MailRuleUpdate,
  })

export const makeProcessedMail = (transport: Transport) =>
  makeListing(transport, "/api/processed_mail/", OpaqueObject)
