import { describe, expect, it } from 'vitest'
import { Tokenizer } from '../../../src/main/engine/models/tokenizer'

const vocabulary = {
  schema: 1 as const,
  tokenPattern: '[a-z0-9]+|[^\\sa-z0-9]',
  lowercase: true,
  specials: { pad: 0, unk: 1, bos: 2, eos: 3 },
  words: ['<pad>', '<unk>', '<bos>', '<eos>', '?', 'does', 'goal', 'red', 'reach', 'the', 'square', ':'],
}

describe('Tokenizer', () => {
  const tokenizer = new Tokenizer(vocabulary)

  it('splits lower-cased words and punctuation like modelkit', () => {
    expect(tokenizer.words('Does the Red square reach the goal?')).toEqual(['does', 'the', 'red', 'square', 'reach', 'the', 'goal', '?'])
  })

  it('encodes with bos, unknown words and padding', () => {
    expect(tokenizer.encode('Does the blue square?', 8, { bos: true })).toEqual([2, 5, 9, 1, 10, 4, 0, 0])
    expect(tokenizer.unknownWords('Does the blue square?')).toEqual(['blue'])
  })

  it('truncates to the length', () => {
    expect(tokenizer.encode('does the red square reach the goal', 3)).toEqual([5, 9, 7])
  })

  it('decodes up to eos and re-attaches punctuation', () => {
    expect(tokenizer.decode([2, 6, 11, 5, 9, 7, 10, 8, 9, 6, 4, 3, 7, 7])).toBe('goal: does the red square reach the goal?')
  })
})
