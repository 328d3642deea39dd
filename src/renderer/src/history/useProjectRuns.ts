import { useCallback, useEffect, useState } from 'react'
import type { Run, TaskSummary } from '../../../shared'
import { errorMessage, studioApi } from '../bridge'

export interface ProjectRun {
  run: Run
  task: TaskSummary
}

/** Every run of the open project with its task, newest first; refreshed when a run changes status. */
export function useProjectRuns() {
  const api = studioApi()
  const [runs, setRuns] = useState<ProjectRun[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const reload = useCallback(async () => {
    try {
      const tasks = await api.listTasks()
      const perTask = await Promise.all(tasks.map(async (task) => (await api.listRuns({ taskId: task.id })).map((run) => ({ run, task }))))
      setRuns(perTask.flat().sort((a, b) => b.run.timings.createdAt.localeCompare(a.run.timings.createdAt)))
    } catch (e) {
      setError(errorMessage(e))
    }
  }, [api])
  useEffect(() => void reload(), [reload])
  useEffect(() => api.onEvent((e) => (e.type === 'run-status' || e.type === 'tasks-changed') && void reload()), [api, reload])
  return { runs, error }
}
