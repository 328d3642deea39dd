import { Stack, Text } from '@mantine/core'
import { Dropzone } from '@mantine/dropzone'
import { notifications } from '@mantine/notifications'
import { MAX_UPLOAD_BYTES, type Task } from '../../../shared'
import { errorMessage, studioApi } from '../bridge'
import { isTaskFile } from './files'

/**
 * Dropping a file anywhere on the window: a task file becomes a task at once; an image opens the
 * new-task form with the image chosen, waiting for its instruction.
 */
export function WindowDrop({ active, onImage, onTask }: { active: boolean; onImage: (file: File) => void; onTask: (task: Task) => void }) {
  const onDrop = async (files: File[]) => {
    const file = files[0]
    if (!file) return
    if (file.size > MAX_UPLOAD_BYTES) {
      notifications.show({ color: 'red', title: 'The task was not added', message: `"${file.name}" is over the ${MAX_UPLOAD_BYTES / 1048576} MB limit: use a smaller file.` })
      return
    }
    if (!isTaskFile(file)) return onImage(file)
    try {
      const task = await studioApi().importTaskFile({ fileName: file.name, content: new Uint8Array(await file.arrayBuffer()) })
      notifications.show({ color: 'green', message: 'Task added.' })
      onTask(task)
    } catch (e) {
      notifications.show({ color: 'red', title: 'The task was not added', message: errorMessage(e), autoClose: false })
    }
  }
  return (
    <Dropzone.FullScreen active={active} multiple={false} onDrop={(files) => void onDrop(files)}>
      <Stack align="center" justify="center" mih={240} style={{ pointerEvents: 'none' }}>
        <Text size="xl" fw={600}>Drop to add a task</Text>
        <Text c="dimmed">A first-frame image (then write its instruction) or a .task.json file</Text>
      </Stack>
    </Dropzone.FullScreen>
  )
}
