import { Alert, Button, Card, Group, Image, Input, NumberInput, SegmentedControl, Select, Stack, Text, Textarea, Title } from '@mantine/core'
import { Dropzone } from '@mantine/dropzone'
import { notifications } from '@mantine/notifications'
import { useEffect, useState } from 'react'
import { MAX_UPLOAD_BYTES, type SuiteFamily, type SuiteSplit, type Task } from '../../../shared'
import { errorMessage, studioApi } from '../bridge'
import { isTaskFile } from './files'

const readBytes = async (file: File) => new Uint8Array(await file.arrayBuffer())

/**
 * Adds a task: drop (or pick) an image and write the instruction, drop a task file, or generate
 * one from the built-in suite. The engine validates everything; its message is shown as is.
 */
export function TaskDrop({ onCreated, initialImage = null }: { onCreated: (task: Task) => void; initialImage?: File | null }) {
  const api = studioApi()
  const [image, setImage] = useState<File | null>(initialImage)
  useEffect(() => setImage(initialImage), [initialImage])
  const [instruction, setInstruction] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (action: () => Promise<Task>) => {
    setBusy(true)
    setError(null)
    try {
      const task = await action()
      notifications.show({ color: 'green', message: 'Task added.' })
      setImage(null)
      setInstruction('')
      onCreated(task)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  const onDrop = (files: File[]) => {
    setError(null)
    const file = files[0]
    if (!file) return
    if (file.size > MAX_UPLOAD_BYTES) {
      setError(`"${file.name}" is ${(file.size / 1048576).toFixed(1)} MB, over the ${MAX_UPLOAD_BYTES / 1048576} MB limit: use a smaller file.`)
      return
    }
    if (isTaskFile(file)) {
      void submit(async () => api.importTaskFile({ fileName: file.name, content: await readBytes(file) }))
    } else {
      setImage(file)
    }
  }

  return (
    <Stack maw={760} gap="lg">
      <Title order={2}>New task</Title>
      {error && (
        <Alert color="red" title="The task was not added" role="alert" withCloseButton onClose={() => setError(null)}>
          {error}
        </Alert>
      )}
      <Dropzone onDrop={onDrop} multiple={false} loading={busy} data-testid="task-dropzone">
        <Stack align="center" gap={4} py="xl" style={{ pointerEvents: 'none' }}>
          <Text size="lg" fw={600}>
            Drop a first-frame image or a task file here, or anywhere on the window
          </Text>
          <Text size="sm" c="dimmed">
            PNG, JPEG or WebP plus an instruction, or a .task.json file · up to {MAX_UPLOAD_BYTES / 1048576} MB · or click to choose
          </Text>
        </Stack>
      </Dropzone>
      <Card withBorder>
        <Stack>
          <Group gap="sm">
            {image && <ChosenImagePreview file={image} />}
            <Text size="sm">
              Image: <b data-testid="chosen-image">{image ? image.name : 'none chosen'}</b>
            </Text>
          </Group>
          <Textarea
            label="Instruction"
            placeholder="e.g. Move the red agent through the maze to the green goal without crossing walls."
            autosize
            minRows={2}
            value={instruction}
            onChange={(e) => setInstruction(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button
              disabled={!image || !instruction.trim()}
              loading={busy}
              onClick={() =>
                image && void submit(async () => api.createTaskFromImage({ instruction, fileName: image.name, image: await readBytes(image) }))
              }
            >
              Add task
            </Button>
          </Group>
        </Stack>
      </Card>
      <SuitePicker busy={busy} onCreate={(family, seed, split) => void submit(() => api.createSuiteTask({ family, seed, split }))} />
    </Stack>
  )
}

/** A thumbnail of the chosen file as the browser sees it; the engine still validates it on add. */
function ChosenImagePreview({ file }: { file: File }) {
  const [url, setUrl] = useState<string>()
  useEffect(() => {
    const objectUrl = URL.createObjectURL(file)
    setUrl(objectUrl)
    return () => URL.revokeObjectURL(objectUrl)
  }, [file])
  return <Image src={url} alt="Chosen image" w={64} h={64} fit="contain" radius="sm" style={{ imageRendering: 'pixelated' }} />
}

/** What each split of the suite holds, for the user choosing one. */
const SPLIT_HINT: Record<SuiteSplit, string> = {
  train: 'Train: the distribution the built-in model was trained on; its first sample is usually right already.',
  heldout: 'Held-out: bigger grids, longer paths and variants it never saw; where the teacher has something to teach.',
}

const OUTSIDE = ' (no model package)'

/** A family no model package was trained on says so in the list. */
function familyOption(f: SuiteFamily): { value: string; label: string } {
  return { value: f.name, label: f.inModelPackage === false ? f.name + OUTSIDE : f.name }
}

/** Which model package runs the family's tasks, or what to expect when none was trained on it. */
function FamilyPackage({ family, families }: { family: string; families: SuiteFamily[] }) {
  const chosen = families.find((f) => f.name === family)
  if (chosen?.modelPackage) {
    return (
      <Text size="sm" c="dimmed" mt={4} data-testid="family-package">
        Its tasks run on the {chosen.modelPackage} model package, trained on {families.filter((f) => f.modelPackage === chosen.modelPackage).map((f) => f.name).join(' and ')}.
      </Text>
    )
  }
  if (chosen?.inModelPackage !== false) return null
  const trained = families.filter((f) => f.inModelPackage).map((f) => f.name)
  return (
    <Alert color="yellow" mt="xs" data-testid="family-outside-package" title={`No model package was trained on ${family}`}>
      The packages cover {trained.join(', ').replace(/, ([^,]*)$/, ' and $1')}; a {family} task runs on the default package. Its videos will not
      follow {family}'s rules, and its teacher has not learned {family}'s queries. You can still create the task, write its rules and run it.
    </Alert>
  )
}

function SuitePicker({ busy, onCreate }: { busy: boolean; onCreate: (family: string, seed: number, split: SuiteSplit) => void }) {
  const api = studioApi()
  const [families, setFamilies] = useState<SuiteFamily[] | null>(null)
  const [family, setFamily] = useState<string | null>(null)
  const [seed, setSeed] = useState<number>(0)
  const [split, setSplit] = useState<SuiteSplit>('train')
  useEffect(() => {
    api.listSuiteFamilies().then(setFamilies, () => setFamilies([]))
  }, [api])
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        From the built-in task suite
      </Text>
      {families && families.length === 0 ? (
        <Text size="sm" c="dimmed">
          The task suite is not available in this build.
        </Text>
      ) : (
        <Group align="end">
          <Select label="Family" data={(families ?? []).map(familyOption)} value={family} onChange={setFamily} w={260} />
          <NumberInput label="Seed" min={0} value={seed} onChange={(v) => setSeed(Number(v) || 0)} w={120} />
          <Stack gap={4}>
            <Input.Label id="suite-split-label">Split</Input.Label>
            <SegmentedControl
              aria-labelledby="suite-split-label"
              value={split}
              onChange={(v) => setSplit(v as SuiteSplit)}
              data={[
                { value: 'train', label: 'train' },
                { value: 'heldout', label: 'held-out' },
              ]}
            />
          </Stack>
          <Button variant="light" disabled={!family || busy} onClick={() => family && onCreate(family, seed, split)}>
            Generate
          </Button>
        </Group>
      )}
      {family && (
        <Text size="sm" c="dimmed" mt="xs" data-testid="family-description">
          {families?.find((f) => f.name === family)?.description}
        </Text>
      )}
      {family && families && <FamilyPackage family={family} families={families} />}
      <Text size="sm" c="dimmed" mt={4} data-testid="split-description">
        {SPLIT_HINT[split]}
      </Text>
    </Card>
  )
}
