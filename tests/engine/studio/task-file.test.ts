import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { taskFileJsonSchema } from '../../../src/main/engine'

describe('task file JSON Schema', () => {
  it('is published, up to date, in resources/schemas/task.schema.json', () => {
    const published = JSON.parse(readFileSync(join(import.meta.dirname, '../../../resources/schemas/task.schema.json'), 'utf8'))
    expect(published).toEqual(taskFileJsonSchema())
    expect(published.required).toEqual(expect.arrayContaining(['format', 'version', 'instruction', 'image']))
  })
})
