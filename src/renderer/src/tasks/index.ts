/** Tasks in the renderer: the task list, the drop zones (form and whole window) that add tasks, and the task view. */
export { TaskList } from './TaskList'
export { TaskDrop } from './TaskDrop'
export { TaskView } from './TaskView'
export { FirstFrame } from './FirstFrame'
export { WindowDrop } from './WindowDrop'
