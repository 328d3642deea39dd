/** The rules panel: a task's yes/no rule queries, edited and re-weighted in place. */
export { RulesPanel } from './RulesPanel'
