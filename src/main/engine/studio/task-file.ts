import { z } from 'zod'
import { MAX_UPLOAD_BYTES, TaskFile } from '../../../shared'
import { base64ToBytes } from '../../../shared/wire'
import { StudioError } from '../errors'

/** The task file's JSON Schema, as published in resources/schemas/task.schema.json. */
export function taskFileJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(TaskFile, { io: 'input' }),
    $id: 'https://teacher-studio.local/schemas/task.schema.json',
    title: 'Teacher Studio task file',
  }
}

/**
 * Parses a dropped task file (`*.task.json`). Throws a StudioError naming the file, the problem
 * and the fix; never returns a partially valid task.
 */
export function parseTaskFile(content: Uint8Array, fileName: string): { task: TaskFile; image: Uint8Array } {
  const label = `Task file "${fileName}"`
  if (content.byteLength > MAX_UPLOAD_BYTES) {
    throw new StudioError('task-file-too-large', `${label} is over the ${MAX_UPLOAD_BYTES / 1024 / 1024} MB limit: embed a smaller image.`)
  }
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(content))
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause)
    throw new StudioError('task-file-json', `${label} is not valid JSON (${why}): fix the file or export it again.`)
  }
  const parsed = TaskFile.safeParse(json)
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`)
      .join('; ')
    throw new StudioError(
      'task-file-invalid',
      `${label} does not match the task format (${problems}): see resources/schemas/task.schema.json.`,
    )
  }
  const encoded = parsed.data.image.replace(/^data:image\/[a-z+.-]+;base64,/i, '').replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    throw new StudioError('task-file-image', `${label} has an "image" that is not base64 data: embed the PNG, JPEG or WebP bytes as base64.`)
  }
  return { task: parsed.data, image: base64ToBytes(encoded) }
}
