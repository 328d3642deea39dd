/**
 * The word tokenizer shared by the query writer, the reasoner's instruction input and the
 * answerer's queries. Mirrors modelkit's `data.py` (lower-cased words and single punctuation marks),
 * driven by the package's vocabulary.json.
 */
import { z } from 'zod'

export const vocabularySchema = z.object({
  schema: z.literal(1),
  tokenPattern: z.string(),
  lowercase: z.boolean(),
  specials: z.object({ pad: z.number().int(), unk: z.number().int(), bos: z.number().int(), eos: z.number().int() }),
  words: z.array(z.string()).min(4),
})
export type VocabularyFile = z.infer<typeof vocabularySchema>

export class Tokenizer {
  private readonly index = new Map<string, number>()
  private readonly pattern: RegExp

  constructor(readonly vocabulary: VocabularyFile) {
    vocabulary.words.forEach((w, i) => this.index.set(w, i))
    this.pattern = new RegExp(vocabulary.tokenPattern, 'g')
  }

  get size(): number {
    return this.vocabulary.words.length
  }
  get specials(): VocabularyFile['specials'] {
    return this.vocabulary.specials
  }

  words(text: string): string[] {
    const source = this.vocabulary.lowercase ? text.toLowerCase() : text
    return source.match(this.pattern) ?? []
  }

  /** Token ids padded with `pad` (or truncated) to `length`, optionally framed by bos / eos. */
  encode(text: string, length: number, options: { bos?: boolean; eos?: boolean } = {}): number[] {
    const { pad, unk, bos, eos } = this.vocabulary.specials
    let ids = this.words(text).map((w) => this.index.get(w) ?? unk)
    if (options.bos) ids = [bos, ...ids]
    if (options.eos) ids = [...ids, eos]
    ids = ids.slice(0, length)
    while (ids.length < length) ids.push(pad)
    return ids
  }

  /** Words that the vocabulary does not know (they read as <unk> to the models). */
  unknownWords(text: string): string[] {
    return this.words(text).filter((w) => !this.index.has(w))
  }

  /** Text of ids up to eos, specials dropped, punctuation re-attached to the previous word. */
  decode(ids: readonly number[]): string {
    const { eos } = this.vocabulary.specials
    const specialIds = new Set(Object.values(this.vocabulary.specials))
    const out: string[] = []
    for (const id of ids) {
      if (id === eos) break
      if (!specialIds.has(id)) out.push(this.vocabulary.words[id])
    }
    return out.join(' ').replace(/ ([?.,!;:)'])/g, '$1')
  }
}
