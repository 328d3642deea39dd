import { z } from 'zod'

/** Binary payloads (PNG bytes) travel as Uint8Array through IPC; the browser bridge encodes them. */
export const Bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, {
  message: 'Expected binary data (Uint8Array)',
})

/** An encoded image frame: PNG bytes plus its size, the form frames take outside the engine. */
export const EncodedFrame = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  png: Bytes,
})
export type EncodedFrame = z.infer<typeof EncodedFrame>

export const IsoTime = z.string().min(1)
export const Id = z.string().min(1).max(100)
