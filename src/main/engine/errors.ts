/**
 * An error a user can meet: a stable code and a message that says what happened, why, and what
 * to do. Anything else that escapes a handler is an internal failure.
 */
export class StudioError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'StudioError'
  }
}
