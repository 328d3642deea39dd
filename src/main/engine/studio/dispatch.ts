import { z } from 'zod'
import { studioContract, type StudioMethod, type StudioResult } from '../../../shared'
import { StudioError } from '../errors'

type Contract = typeof studioContract

/** Engine-side implementation of each method; receives the validated (parsed) input. */
export type StudioHandlers = {
  [M in StudioMethod]: (
    input: z.output<Contract[M]['input']>,
  ) => z.input<Contract[M]['output']> | Promise<z.input<Contract[M]['output']>>
}

const isMethod = (name: string): name is StudioMethod => Object.hasOwn(studioContract, name)

/**
 * The single entry for every call from IPC or the browser bridge: checks the method name,
 * validates the input, runs the handler, validates the output, and turns errors into results.
 */
export async function dispatchStudioCall(handlers: StudioHandlers, method: string, rawInput: unknown): Promise<StudioResult<unknown>> {
  if (!isMethod(method)) {
    return { ok: false, error: { code: 'unknown-method', message: `The studio has no method "${method}": the window and the engine are from different versions; restart the studio.` } }
  }
  const contract = studioContract[method]
  const input = contract.input.safeParse(rawInput)
  if (!input.success) {
    const problems = input.error.issues
      .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
      .join('; ')
    return { ok: false, error: { code: 'invalid-input', message: problems } }
  }
  try {
    const handler = handlers[method] as (input: unknown) => unknown
    const value = contract.output.parse(await handler(input.data))
    return { ok: true, value }
  } catch (error) {
    if (error instanceof StudioError) return { ok: false, error: { code: error.code, message: error.message } }
    const message = error instanceof Error ? error.message : String(error)
    return { ok: false, error: { code: 'internal', message: `Internal error in ${method}: ${message}. Your data is unchanged; please report this.` } }
  }
}
