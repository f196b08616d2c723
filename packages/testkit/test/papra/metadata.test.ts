import { describe, expect, it } from "vitest"
import { at, text, useSimulator } from "./client.js"

const current = useSimulator()

describe("tags", () => {
  it("upper-cases colours, keeps names unique case-insensitively and answers the documented errors", async () => {
    const created = await current.http.call("POST", "tags", { name: "Invoices", color: "#ff00aa" })
    expect(created.body).toMatchObject({
      tag: { name: "Invoices", normalizedName: "invoices", color: "#FF00AA", description: null },
    })
    expect(
      at(
        (await current.http.call("POST", "tags", { name: "INVOICES", color: "#000000" })).body,
        "error",
        "code",
      ),
    ).toBe("tags.already_exists")
    const id = text(created.body, "tag", "id")
    const updated = await current.http.call("PUT", `tags/${id}`, { color: "#abcdef" })
    expect(updated.body).toMatchObject({
      tag: { color: "#ABCDEF", updatedAt: at(created.body, "tag", "updatedAt") },
    })
    const doc = text((await current.http.upload("a.txt", "a")).body, "document", "id")
    expect((await current.http.call("POST", `documents/${doc}/tags`, { tagId: id })).status).toBe(204)
    expect(
      at((await current.http.call("POST", `documents/${doc}/tags`, { tagId: id })).body, "error", "code"),
    ).toBe("documents.already_has_tag")
    expect(at((await current.http.call("GET", "tags")).body, "tags", 0, "documentsCount")).toBe(1)
    expect((await current.http.call("DELETE", `documents/${doc}/tags/${id}`)).status).toBe(204)
    expect((await current.http.call("DELETE", `documents/${doc}/tags/${id}`)).status).toBe(204)
    expect((await current.http.call("DELETE", `tags/${id}`)).status).toBe(204)
    expect(at((await current.http.call("DELETE", `tags/${id}`)).body, "error", "code")).toBe("tags.not_found")
    const events = at(
      (await current.http.call("GET", `documents/${doc}/activity`)).body,
      "activities",
    ) as Array<{
      event: string
      tagId: string | null
    }>
    const tagEvents = events.filter((event) => event.event !== "updated")
    expect(tagEvents.map((event) => [event.event, event.tagId])).toEqual([
      ["untagged", null],
      ["untagged", null],
      ["tagged", null],
      ["created", null],
    ])
  })
})

describe("custom properties", () => {
  const define = async (name: string, type: string, options?: Array<string>) =>
    text(
      (
        await current.http.call("POST", "custom-properties", {
          name,
          type,
          ...(options ? { options: options.map((o) => ({ name: o })) } : {}),
        })
      ).body,
      "propertyDefinition",
      "id",
    )

  it("stores and returns every value type in the real shapes", async () => {
    const related = text((await current.http.upload("related.txt", "r")).body, "document", "id")
    const doc = text((await current.http.upload("main.txt", "m")).body, "document", "id")
    const ids = {
      text: await define("Reference", "text"),
      number: await define("Amount", "number"),
      date: await define("Due date", "date"),
      boolean: await define("Paid", "boolean"),
      select: await define("Status", "select", ["Open", "Closed"]),
      multi: await define("Categories", "multi_select", ["Tax", "Travel"]),
      users: await define("Owner", "user_relation"),
      docs: await define("Related", "document_relation"),
    }
    const definition = await current.http.call("GET", `custom-properties/${ids.select}`)
    const [open] = at(definition.body, "definition", "options") as Array<{ id: string; key: string }>
    const categories = at(
      (await current.http.call("GET", `custom-properties/${ids.multi}`)).body,
      "definition",
      "options",
    ) as Array<{
      id: string
    }>
    const set = (id: string, value: unknown) =>
      current.http.call("PUT", `documents/${doc}/custom-properties/${id}`, { value })
    expect((await set(ids.text, "INV-1")).status).toBe(204)
    expect((await set(ids.number, 0)).status).toBe(204)
    expect((await set(ids.date, "1901-05-06")).status).toBe(204)
    expect((await set(ids.boolean, false)).status).toBe(204)
    expect((await set(ids.select, open?.id)).status).toBe(204)
    expect(
      (
        await set(
          ids.multi,
          categories.map((option) => option.id),
        )
      ).status,
    ).toBe(204)
    expect((await set(ids.users, [current.simulator.userId])).status).toBe(204)
    expect((await set(ids.docs, [related])).status).toBe(204)

    expect(at((await set(ids.users, current.simulator.userId)).body, "error", "code")).toBe(
      "custom_property_value.invalid",
    )
    expect(at((await set(ids.users, [current.simulator.outsiderUserId])).body, "error", "code")).toBe(
      "custom_property_value.user_not_found",
    )
    expect(at((await set(ids.select, `cpso_${"a".repeat(24)}`)).body, "error", "code")).toBe(
      "custom_property_select_option.not_found",
    )
    expect(at((await set(ids.number, "12")).body, "error", "code")).toBe("custom_property_value.invalid")

    const values = Object.fromEntries(
      (
        at(
          (await current.http.call("GET", `documents/${doc}`)).body,
          "document",
          "customProperties",
        ) as Array<{
          key: string
          value: unknown
        }>
      ).map((property) => [property.key, property.value]),
    )
    expect(values).toEqual({
      reference: "INV-1",
      amount: 0,
      duedate: "1901-05-06T00:00:00.000Z",
      paid: false,
      status: { optionId: open?.id, name: "Open" },
      categories: [
        { optionId: categories[0]?.id, name: "Tax" },
        { optionId: categories[1]?.id, name: "Travel" },
      ],
      owner: [{ userId: current.simulator.userId, name: "Simulator Owner", email: "owner@example.com" }],
      related: [{ documentId: related, name: "related.txt" }],
    })
    const listed = at(
      (await current.http.call("GET", `documents/${doc}/custom-properties`)).body,
      "customProperties",
    ) as Array<{
      propertyDefinitionId: string
    }>
    expect(listed.map((value) => value.propertyDefinitionId)).toEqual([...Object.values(ids)].sort())
  })

  it("lists every definition with null values on other documents, and drops values of removed options", async () => {
    const status = await define("Status", "select", ["Open", "Closed"])
    const doc = text((await current.http.upload("a.txt", "a")).body, "document", "id")
    const other = text((await current.http.upload("b.txt", "b")).body, "document", "id")
    const options = at(
      (await current.http.call("GET", `custom-properties/${status}`)).body,
      "definition",
      "options",
    ) as Array<{
      id: string
    }>
    await current.http.call("PUT", `documents/${doc}/custom-properties/${status}`, { value: options[1]?.id })
    expect(
      at((await current.http.call("GET", `documents/${other}`)).body, "document", "customProperties"),
    ).toEqual([{ key: "status", name: "Status", type: "select", displayOrder: 0, value: null }])
    // Options alone are a 500 on the real server; with the name they work.
    expect(
      (await current.http.call("PUT", `custom-properties/${status}`, { options: [{ name: "Only" }] })).status,
    ).toBe(500)
    const renamed = await current.http.call("PUT", `custom-properties/${status}`, {
      name: "State",
      options: [{ id: options[0]?.id, name: "Open (renamed)" }, { name: "Archived" }],
    })
    expect(renamed.body).toMatchObject({ propertyDefinition: { name: "State", key: "state" } })
    expect(Object.keys(at(renamed.body, "propertyDefinition") as object)).not.toContain("options")
    const after = at(
      (await current.http.call("GET", `custom-properties/${status}`)).body,
      "definition",
      "options",
    )
    expect(after).toMatchObject([
      { id: options[0]?.id, name: "Open (renamed)", key: "openrenamed", displayOrder: 0 },
      { name: "Archived", key: "archived", displayOrder: 1 },
    ])
    expect(
      at((await current.http.call("GET", `documents/${doc}/custom-properties`)).body, "customProperties"),
    ).toEqual([])
  })
})
