/** Settings: providers (available, actually used), default hyperparameters saved per window, locations. */
export { SettingsPage } from './SettingsPage'
export { clearRunDefaults, loadRunDefaults, saveRunDefaults } from './preferences'
