/** Creating, opening and reopening project files. */
export { ProjectPicker } from './ProjectPicker'
