import { Alert, Button, Code, Stack, Text } from '@mantine/core'
import { Component, type ReactNode } from 'react'

/**
 * Catches a rendering error in one screen and shows it as a notice with a way back, so a bug in
 * one view never leaves a blank window. Nothing is lost: the project file is written by the engine.
 */
export class ScreenErrorBoundary extends Component<{ children: ReactNode; onReset: () => void }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null }

  static getDerivedStateFromError(error: Error) {
    return { error }
  }

  override render() {
    const { error } = this.state
    if (!error) return this.props.children
    return (
      <Alert color="red" role="alert" title="This screen could not be shown">
        <Stack gap="xs">
          <Text size="sm">
            The studio hit an error while drawing it. Your project is saved; go back and try again, and if it happens
            again, report the message below.
          </Text>
          <Code block>{error.message}</Code>
          <Button size="xs" variant="light" w="fit-content" onClick={() => { this.setState({ error: null }); this.props.onReset() }}>
            Back to the new-task screen
          </Button>
        </Stack>
      </Alert>
    )
  }
}
