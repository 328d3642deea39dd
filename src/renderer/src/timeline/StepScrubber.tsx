import { Group, Slider, Stack, Text } from '@mantine/core'
import { useEffect, useState } from 'react'
import type { Run, Step } from '../../../shared'
import { PixelFrame } from '../frames'
import { formatLoss, formatProbability, queryLabels } from '../runs/format'

/**
 * Whether the step holds the base video rather than a preview: a teacher run that ended on its base
 * video judged it before any teacher step, so its only step reports that video (no gradient).
 */
export function showsBaseVideo(run: Run, step: Step): boolean {
  return step.index === 0 && step.gradNorm === 0 && run.result?.stopReason === 'confident' && run.result.updates === 0
}

/**
 * The teacher's preview frames at each step: a step slider and a frame slider (arrow keys, Home,
 * End, Page Up/Down), with that step's loss and P(Yes) per query. Follows the newest step while
 * the run is live unless the user has moved the step slider.
 */
export function StepScrubber({ run, steps }: { run: Run; steps: Step[] }) {
  const [stepIndex, setStepIndex] = useState<number | null>(null)
  const [frame, setFrame] = useState(0)
  const last = steps.length - 1
  const shown = stepIndex === null ? last : Math.min(stepIndex, last)
  const step = steps[shown]
  const frames = step?.previewFrames.length ?? 0
  useEffect(() => setFrame((f) => Math.min(f, Math.max(frames - 1, 0))), [frames])
  if (steps.length === 0) {
    return <Text size="sm" c="dimmed">No steps yet: preview frames appear here as the teacher scores them.</Text>
  }
  const labels = queryLabels(run)
  const baseVideo = showsBaseVideo(run, step)
  const what = baseVideo ? 'Base video frame' : 'Preview frame'
  return (
    <Group align="flex-start" gap="xl" wrap="nowrap" data-testid="step-scrubber">
      <PixelFrame frame={step.previewFrames[frame]} alt={`${what} ${frame + 1} of step ${step.index}`} size={240} />
      <Stack gap="md" style={{ flex: 1, minWidth: 240 }}>
        <div>
          <Text size="sm" fw={600}>Step {step.index} of {steps.length - 1}</Text>
          <Slider thumbLabel="Step" min={0} max={Math.max(last, 0)} value={shown} onChange={setStepIndex}
            marks={run.result?.bestStepIndex != null ? [{ value: run.result.bestStepIndex, label: 'best' }] : []}
            label={(v) => `step ${v}`} disabled={last === 0} />
        </div>
        <div>
          <Text size="sm" fw={600} mt="sm">{what} {frame + 1} of {frames}</Text>
          {baseVideo && (
            <Text size="xs" c="dimmed">The teacher was sure of the base video before any update, so the run kept it and made no preview.</Text>
          )}
          <Slider thumbLabel="Frame" min={0} max={Math.max(frames - 1, 0)} value={frame} onChange={setFrame}
            label={(v) => `frame ${v + 1}`} disabled={frames <= 1} />
        </div>
        <Group gap={6} p={3} wrap="nowrap" style={{ overflowX: 'auto' }} data-testid="filmstrip">
          {step.previewFrames.map((f, i) => (
            <button key={i} type="button" onClick={() => setFrame(i)} aria-label={`Show preview frame ${i + 1}`} tabIndex={-1}
              style={{ all: 'unset', cursor: 'pointer', outline: i === frame ? '2px solid var(--mantine-color-indigo-6)' : 'none', borderRadius: 4 }}>
              <PixelFrame frame={f} alt={`Step ${step.index}, frame ${i + 1}`} size={44} />
            </button>
          ))}
        </Group>
        <Group gap="lg" mt="sm">
          <Text size="sm">loss <b>{formatLoss(step.loss)}</b></Text>
          {labels.map((label, i) => (
            <Text size="sm" key={label}>
              {label} P(Yes) <b>{formatProbability(step.pYes[i])}</b>
            </Text>
          ))}
          <Text size="sm" c="dimmed">‖g‖ {step.gradNorm.toExponential(2)} · {Math.round(step.durationMs)} ms</Text>
        </Group>
      </Stack>
    </Group>
  )
}
