import type { Migration } from './migrate'
import { coreMigrations } from './schema'
import { inviteMigrations } from '../invite/migrations'

/** Every schema step in order. Append only: a step's position is its schema version. */
export const migrations: readonly Migration[] = [...coreMigrations, ...inviteMigrations]
