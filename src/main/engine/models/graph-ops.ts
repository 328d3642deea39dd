/**
 * Reads the operators of an ONNX file's main graph straight from its protobuf bytes (no
 * onnxruntime session), to refuse graphs whose results would change from call to call.
 *
 * The one known case: ScatterND with reduction "add". onnxruntime's CPU kernel adds repeated
 * indices from several threads without synchronisation (microsoft/onnxruntime#23396), so a
 * tto_step holding one returns other gradients on some calls. modelkit's exporter rewrites them
 * (export.deterministic_scatter_adds); a package exported elsewhere may still hold them.
 */

export interface GraphOp {
  name: string
  opType: string
  /** The `reduction` attribute (ScatterND, ScatterElements), or null when absent. */
  reduction: string | null
}

// ONNX field numbers (onnx.proto): ModelProto.graph = 7; GraphProto.node = 1;
// NodeProto.name = 3, op_type = 4, attribute = 5; AttributeProto.name = 1, s = 4.
const MODEL_GRAPH = 7
const GRAPH_NODE = 1
const NODE_NAME = 3
const NODE_OP_TYPE = 4
const NODE_ATTRIBUTE = 5
const ATTRIBUTE_NAME = 1
const ATTRIBUTE_S = 4

/**
 * Calls visit(field number, payload) for each top-level field of one protobuf message, in order;
 * payload is the bytes of a length-delimited field (wire type 2), null for numeric ones. Throws on
 * bytes that are not one message. Blocks' tto_step (16,000 nodes, 5 MB) reads in 50-250 ms.
 */
function eachField(buf: Uint8Array, visit: (number: number, payload: Uint8Array | null) => void): void {
  let pos = 0
  const varint = (): number => {
    let value = 0
    let scale = 1
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint')
      const byte = buf[pos++]
      value += (byte & 0x7f) * scale
      if (byte < 0x80) return value
      scale *= 128
      if (scale > 2 ** 63) throw new Error('varint too long')
    }
  }
  while (pos < buf.length) {
    const key = varint()
    const number = Math.floor(key / 8)
    const wire = key % 8
    if (wire === 0) {
      varint()
      visit(number, null)
    } else if (wire === 1 || wire === 5) {
      pos += wire === 1 ? 8 : 4
      if (pos > buf.length) throw new Error('truncated fixed-width field')
      visit(number, null)
    } else if (wire === 2) {
      const length = varint()
      if (pos + length > buf.length) throw new Error('truncated length-delimited field')
      const start = pos
      pos += length
      visit(number, buf.subarray(start, pos))
    } else {
      throw new Error(`unsupported protobuf wire type ${wire}`)
    }
  }
}

const text = new TextDecoder()

function attributeReduction(attribute: Uint8Array): string | null {
  let name = ''
  let value: Uint8Array | null = null
  eachField(attribute, (number, payload) => {
    if (number === ATTRIBUTE_NAME && payload) name = text.decode(payload)
    if (number === ATTRIBUTE_S && payload) value = payload
  })
  return name === 'reduction' && value ? text.decode(value) : null
}

/** Every node of the model's main graph (not of subgraphs inside If / Loop: modelkit writes none). */
export function graphOps(model: Uint8Array): GraphOp[] {
  const ops: GraphOp[] = []
  eachField(model, (m, graph) => {
    if (m !== MODEL_GRAPH || !graph) return
    eachField(graph, (g, node) => {
      if (g !== GRAPH_NODE || !node) return
      let name: Uint8Array | null = null
      let opType = ''
      const attributes: Uint8Array[] = []
      eachField(node, (n, payload) => {
        if (!payload) return
        if (n === NODE_NAME) name = payload
        else if (n === NODE_OP_TYPE) opType = text.decode(payload)
        else if (n === NODE_ATTRIBUTE) attributes.push(payload)
      })
      // only the scatters' attributes are read: the other nodes' are not about reductions
      const reduction = opType.startsWith('Scatter') ? attributes.map(attributeReduction).find((r) => r !== null) ?? null : null
      ops.push({ name: name ? text.decode(name) : '', opType, reduction })
    })
  })
  return ops
}

/** The nodes whose results depend on thread timing in onnxruntime (see the file's comment). */
export function racyOps(model: Uint8Array): GraphOp[] {
  return graphOps(model).filter((op) => op.opType === 'ScatterND' && op.reduction === 'add')
}
