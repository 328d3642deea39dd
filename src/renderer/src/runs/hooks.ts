import { useCallback, useEffect, useState } from 'react'
import type { QueueState, Run, RuntimeInfo, Step, StudioEvent, Video } from '../../../shared'
import { errorMessage, studioApi } from '../bridge'

/** Live progress of the active run, as pushed by the engine (its run-progress event, less the event's own fields). */
export type RunProgress = Omit<Extract<StudioEvent, { type: 'run-progress' }>, 'type' | 'runId'>

let runtimeInfo: Promise<RuntimeInfo> | null = null

/** The model package and providers; fetched once per page. */
export function useRuntimeInfo(): { info: RuntimeInfo | null; error: string | null } {
  const [info, setInfo] = useState<RuntimeInfo | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    runtimeInfo ??= studioApi().getRuntimeInfo()
    runtimeInfo.then(setInfo, (e: unknown) => {
      runtimeInfo = null
      setError(errorMessage(e))
    })
  }, [])
  return { info, error }
}

/** A task's runs (newest first), refreshed on every status change, with the active run's progress. */
export function useTaskRuns(taskId: string) {
  const api = studioApi()
  const [runs, setRuns] = useState<Run[]>([])
  const [progress, setProgress] = useState<Record<string, RunProgress>>({})
  const [error, setError] = useState<string | null>(null)
  const reload = useCallback(() => {
    api.listRuns({ taskId }).then(
      (list) => setRuns([...list].sort((a, b) => b.timings.createdAt.localeCompare(a.timings.createdAt))),
      (e: unknown) => setError(errorMessage(e)),
    )
  }, [api, taskId])
  useEffect(reload, [reload])
  useEffect(
    () =>
      api.onEvent((event) => {
        if (event.type === 'run-status' && event.taskId === taskId) reload()
        if (event.type === 'run-step' && event.taskId === taskId) {
          setRuns((list) => list.map((r) => (r.id === event.step.runId ? { ...r, stepCount: Math.max(r.stepCount, event.step.index + 1) } : r)))
        }
        if (event.type === 'run-progress') {
          const { runId, type: _type, ...runProgress } = event
          setProgress((p) => ({ ...p, [runId]: runProgress }))
        }
      }),
    [api, taskId, reload],
  )
  return { runs, progress, error, reload }
}

/** One run, kept current through run-status events. */
export function useRun(runId: string | null) {
  const api = studioApi()
  const [run, setRun] = useState<Run | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    setRun(null)
    setError(null)
    if (!runId) return
    const load = () => api.getRun({ id: runId }).then(setRun, (e: unknown) => setError(errorMessage(e)))
    void load()
    return api.onEvent((event) => event.type === 'run-status' && event.runId === runId && void load())
  }, [api, runId])
  return { run, error }
}

/** A run's steps: the stored ones, then each new step as the engine reports it. */
export function useRunSteps(runId: string | null): Step[] {
  const api = studioApi()
  const [steps, setSteps] = useState<Step[]>([])
  useEffect(() => {
    setSteps([])
    if (!runId) return
    let live: Step[] = []
    const merge = (incoming: Step[]) =>
      setSteps((current) => {
        const byIndex = new Map(current.map((s) => [s.index, s]))
        for (const s of incoming) byIndex.set(s.index, s)
        return [...byIndex.values()].sort((a, b) => a.index - b.index)
      })
    const unsubscribe = api.onEvent((event) => {
      if (event.type === 'run-step' && event.step.runId === runId) {
        live.push(event.step)
        merge([event.step])
      }
    })
    api.listSteps({ runId }).then((stored) => merge([...stored, ...live]), () => undefined)
    return () => {
      live = []
      unsubscribe()
    }
  }, [api, runId])
  return steps
}

/** A run's stored videos (base, candidates, final), loaded once the run has finished. */
export function useRunVideos(runId: string | null, finished: boolean): Video[] {
  const api = studioApi()
  const [videos, setVideos] = useState<Video[]>([])
  useEffect(() => {
    setVideos([])
    if (!runId || !finished) return
    api.listVideos({ runId }).then(setVideos, () => setVideos([]))
  }, [api, runId, finished])
  return videos
}

/** The run queue (paused, active, queued), refreshed on run-status events. */
export function useQueue() {
  const api = studioApi()
  const [queue, setQueue] = useState<QueueState | null>(null)
  const reload = useCallback(() => void api.getQueue().then(setQueue, () => undefined), [api])
  useEffect(reload, [reload])
  useEffect(() => api.onEvent((event) => event.type === 'run-status' && reload()), [api, reload])
  return { queue, setQueue }
}
