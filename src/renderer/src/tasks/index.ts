/** Tasks in the renderer: the task list, the drop zone that adds tasks, and the task view. */
export { TaskList } from './TaskList'
export { TaskDrop } from './TaskDrop'
export { TaskView } from './TaskView'
export { FirstFrame } from './FirstFrame'
