/** A minimal ONNX ModelProto encoded by hand, for tests of code that reads graphs' bytes. */

function varint(value: number): number[] {
  const out: number[] = []
  while (value >= 0x80) {
    out.push((value % 128) | 0x80)
    value = Math.floor(value / 128)
  }
  out.push(value)
  return out
}

function lengthDelimited(field: number, payload: Uint8Array | string): number[] {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload
  return [...varint(field * 8 + 2), ...varint(bytes.length), ...bytes]
}

export interface NodeSpec {
  name: string
  opType: string
  reduction?: string
}

/** ModelProto { ir_version, producer_name, graph { node... } }, each node with an int attribute too. */
export function onnxModel(nodes: NodeSpec[]): Uint8Array {
  const graph: number[] = []
  for (const node of nodes) {
    const axis = new Uint8Array([...lengthDelimited(1, 'axis'), ...varint(3 * 8), 0, ...varint(20 * 8), 2])
    const body = [
      ...lengthDelimited(1, 'in'),
      ...lengthDelimited(2, 'out'),
      ...lengthDelimited(3, node.name),
      ...lengthDelimited(4, node.opType),
      ...lengthDelimited(5, axis),
    ]
    if (node.reduction) {
      const attribute = new Uint8Array([...lengthDelimited(1, 'reduction'), ...lengthDelimited(4, node.reduction), ...varint(20 * 8), 3])
      body.push(...lengthDelimited(5, attribute))
    }
    graph.push(...lengthDelimited(1, new Uint8Array(body)))
  }
  graph.push(...lengthDelimited(2, 'main'))
  // fixed32 and fixed64 fields (wire types 5 and 1) the reader must skip
  const skipped = [...varint(99 * 8 + 5), 1, 2, 3, 4, ...varint(98 * 8 + 1), 1, 2, 3, 4, 5, 6, 7, 8]
  return new Uint8Array([...varint(1 * 8), 8, ...lengthDelimited(2, 'test'), ...skipped, ...lengthDelimited(7, new Uint8Array(graph))])
}
