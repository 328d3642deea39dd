/**
 * The loaded package's five graphs behind domain methods: the query writer (`plan`), one teacher
 * step with LoRA gradients (`tto_step`), the full sampler (`sample`), the full decoder (`decode`)
 * and the answerer without gradients (`vqa`). Shapes and dtypes come from the manifest, so a larger
 * package with the same graph contract drops in without changes here.
 */
import { asFloat32, float32, int64, openGraph, type GraphSession, type NamedTensors, type PlainTensor, type ProviderChoice, type ProviderName } from '../runtime'
import type { GraphName } from './manifest'
import type { ModelPackage } from './package'
import { parsePlan, type PlannedQuery } from './plan-text'
import { standardNormal } from './noise'

export interface QueryInput {
  kind: 'goal' | 'process'
  text: string
  /** Share of the total loss (see optimize/objective.ts). */
  lossWeight: number
}

export interface TeacherStep {
  loss: number
  pYes: number[]
  /** Surrogate-decoded preview frames, RGB uint8 [K][H*W*3]. */
  preview: Uint8Array[]
  gradients: NamedTensors
}

export interface Conditioning {
  /** First frame, RGB uint8 H*W*3 at the package's size. */
  firstFrame: Uint8Array
  instruction: string
}

export class StudioModels {
  private constructor(
    readonly pkg: ModelPackage,
    private readonly graphs: Record<GraphName, GraphSession>,
  ) {}

  static async open(pkg: ModelPackage, provider: ProviderName, intraOpThreads?: number): Promise<StudioModels> {
    const graphs = {} as Record<GraphName, GraphSession>
    try {
      for (const name of Object.keys(pkg.manifest.graphs) as GraphName[]) {
        graphs[name] = await openGraph(pkg.graphPath(name), { provider, intraOpThreads })
      }
    } catch (error) {
      await Promise.all(Object.values(graphs).map((g) => g.release()))
      throw error
    }
    return new StudioModels(pkg, graphs)
  }

  /**
   * Runs the teacher step and the sampler once on neutral inputs, so the first real step of a run
   * does not pay onnxruntime's one-time costs (memory planning, kernel selection).
   */
  async warmUp(): Promise<void> {
    const frame = new Uint8Array(this.frameSize)
    const condition = { firstFrame: frame, instruction: '' }
    const lora = this.freshLora(0)
    await this.teacherStep(lora, this.noise(0), condition, [{ kind: 'goal', text: '', lossWeight: 1 }])
    await this.render(lora, this.noise(0), condition)
  }

  /** What actually ran (the tto_step graph decides; every graph is opened the same way). */
  get provider(): ProviderChoice {
    return this.graphs.tto_step.provider
  }

  get video() {
    return this.pkg.manifest.video
  }

  get frameSize(): number {
    return this.video.height * this.video.width * 3
  }

  async release(): Promise<void> {
    await Promise.all(Object.values(this.graphs).map((g) => g.release()))
  }

  // ---- inputs --------------------------------------------------------------------------------
  private text(n: keyof ModelPackage['manifest']['text'], fallback = 0): number {
    const v = this.pkg.manifest.text[n]
    return typeof v === 'number' ? v : fallback
  }

  private instructionTensor(instruction: string): PlainTensor {
    const len = this.text('maxInstruction')
    return int64(this.pkg.tokenizer.encode(instruction, len), [len])
  }

  private queryTensors(queries: readonly QueryInput[]): { tokens: PlainTensor; weights: PlainTensor } {
    const slots = this.text('maxQueries')
    const len = this.text('maxQuery')
    if (queries.length > slots) throw new Error(`This model package takes at most ${slots} rule queries per run; got ${queries.length}. Remove some rules.`)
    const ids: number[] = []
    const weights: number[] = []
    for (let q = 0; q < slots; q++) {
      const query = queries[q]
      ids.push(...(query ? this.pkg.tokenizer.encode(query.text, len, { bos: true }) : this.pkg.tokenizer.encode('', len, { bos: true })))
      weights.push(query ? query.lossWeight : 0)
    }
    return { tokens: int64(ids, [slots, len]), weights: float32(weights, [slots]) }
  }

  private frameTensor(frame: Uint8Array): PlainTensor {
    if (frame.length !== this.frameSize) {
      throw new Error(`The first frame has ${frame.length / 3} pixels but the model takes ${this.video.width}x${this.video.height}; resize it first.`)
    }
    return float32(Float32Array.from(frame), [this.video.height, this.video.width, 3])
  }

  private loraFeeds(lora: NamedTensors): Record<string, PlainTensor> {
    const feeds: Record<string, PlainTensor> = {}
    for (const spec of this.pkg.manifest.lora.tensors) {
      const values = lora[spec.name]
      if (!values) throw new Error(`LoRA tensor ${spec.name} is missing`)
      feeds[spec.name] = float32(values, spec.shape)
    }
    return feeds
  }

  /** The fixed noise of a run, from its seed. */
  noise(seed: number): Float32Array {
    return standardNormal(this.pkg.manifest.latent.shape.reduce((a, b) => a * b, 1), seed)
  }

  private noiseTensor(z1: Float32Array): PlainTensor {
    return float32(z1, this.pkg.manifest.latent.shape)
  }

  /** A fresh LoRA: A ~ N(0, std) from the run's seed, B = 0, so the first step is the base model. */
  freshLora(seed: number): NamedTensors {
    const { init, tensors } = this.pkg.manifest.lora
    const out: NamedTensors = {}
    tensors.forEach((spec, i) => {
      const size = spec.shape.reduce((a, b) => a * b, 1)
      if (spec.name.endsWith('.B')) out[spec.name] = new Float32Array(size)
      else out[spec.name] = standardNormal(size, seed * 1009 + i).map((v) => v * init.A.std)
    })
    return out
  }

  // ---- graphs --------------------------------------------------------------------------------
  /** The teacher's query writer: greedy decoding over the plan graph, one token per call. */
  async planQueries(instruction: string): Promise<PlannedQuery[]> {
    const maxPlan = this.text('maxPlan')
    const { bos, eos, pad } = this.pkg.tokenizer.specials
    const prefix = new Array<number>(maxPlan).fill(pad)
    prefix[0] = bos
    const instructionTensor = this.instructionTensor(instruction)
    for (let position = 0; position < maxPlan - 1; position++) {
      const out = await this.graphs.plan.run({ instruction: instructionTensor, prefix: int64(prefix, [maxPlan]), position: int64([position], []) })
      const logits = asFloat32(out.logits, 'plan logits')
      let best = 0
      for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i
      prefix[position + 1] = best
      if (best === eos) break
    }
    return parsePlan(this.pkg.tokenizer.decode(prefix))
  }

  async teacherStep(lora: NamedTensors, z1: Float32Array, condition: Conditioning, queries: readonly QueryInput[]): Promise<TeacherStep> {
    const { tokens, weights } = this.queryTensors(queries)
    const out = await this.graphs.tto_step.run({
      ...this.loraFeeds(lora),
      z1: this.noiseTensor(z1),
      first_frame: this.frameTensor(condition.firstFrame),
      instruction: this.instructionTensor(condition.instruction),
      queries: tokens,
      query_weights: weights,
    })
    const prefix = this.pkg.manifest.lora.gradientOutputPrefix
    const gradients: NamedTensors = {}
    for (const spec of this.pkg.manifest.lora.tensors) gradients[spec.name] = asFloat32(out[`${prefix}${spec.name}`], `gradient of ${spec.name}`)
    return {
      loss: asFloat32(out.loss)[0],
      pYes: Array.from(asFloat32(out.p_yes)).slice(0, queries.length),
      preview: this.toFrames(out.preview),
      gradients,
    }
  }

  /** The full few-step sampler + standard decoder: the video a user sees. */
  async render(lora: NamedTensors, z1: Float32Array, condition: Conditioning): Promise<Uint8Array[]> {
    const sampled = await this.graphs.sample.run({
      ...this.loraFeeds(lora),
      z1: this.noiseTensor(z1),
      first_frame: this.frameTensor(condition.firstFrame),
      instruction: this.instructionTensor(condition.instruction),
    })
    const decoded = await this.graphs.decode.run({ cells: sampled.cells })
    return this.toFrames(decoded.frames)
  }

  /** P(Yes) per query on any video, without gradients (scores candidates and final videos). */
  async answer(frames: readonly Uint8Array[], queries: readonly QueryInput[]): Promise<number[]> {
    const { tokens } = this.queryTensors(queries)
    const { frames: T, height, width } = this.video
    if (frames.length !== T) throw new Error(`The teacher reads ${T} frames; got ${frames.length}`)
    const flat = new Float32Array(T * this.frameSize)
    frames.forEach((f, i) => flat.set(f, i * this.frameSize))
    const out = await this.graphs.vqa.run({ frames: float32(flat, [T, height, width, 3]), queries: tokens })
    return Array.from(asFloat32(out.p_yes)).slice(0, queries.length)
  }

  /** [K, H, W, 3] float (0-255) or uint8 -> K RGB uint8 frames. */
  private toFrames(t: PlainTensor): Uint8Array[] {
    const size = this.frameSize
    const count = t.data.length / size
    const frames: Uint8Array[] = []
    for (let k = 0; k < count; k++) {
      const frame = new Uint8Array(size)
      const src = t.data as Float32Array | Uint8Array
      for (let i = 0; i < size; i++) {
        const v = src[k * size + i]
        frame[i] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v)
      }
      frames.push(frame)
    }
    return frames
  }
}
