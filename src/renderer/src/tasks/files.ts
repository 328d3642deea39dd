/** Task files are JSON; anything else dropped is treated as a first-frame image. */
export const isTaskFile = (file: File) => file.name.toLowerCase().endsWith('.json') || file.type === 'application/json'
