/** --batch N, shared by `roster send` and `roster resolve`: the batch, and the project it belongs to. */
import type { BatchSummary } from '../../shared/invite'
import type { Db } from '../db/open'
import { getProject, type ProjectRecord } from '../db/projects'
import { batchSummary, InviteError } from '../invite'
import { Failure, UsageError } from './io'

/** --batch's value: a positive whole number. */
export function parseBatchId(value: string | undefined): number {
  if (value === undefined) throw new UsageError('name the batch with --batch N (roster history lists them)')
  if (!/^\s*\d+\s*$/.test(value) || Number(value) < 1) {
    throw new UsageError(`--batch needs a batch number from roster history, not "${value}"`)
  }
  return Number(value)
}

/** The batch and its project; a batch the database does not have is a usage error (a mistyped number). */
export function findBatch(db: Db, batchId: number): { batch: BatchSummary; project: ProjectRecord } {
  let batch: BatchSummary
  try {
    batch = batchSummary(db, batchId)
  } catch (error) {
    if (error instanceof InviteError && error.code === 'unknown-batch') {
      throw new UsageError(`there is no batch ${batchId} in the database (roster history lists them)`)
    }
    throw error
  }
  const project = getProject(db, batch.projectId)
  if (!project) throw new Failure(`the project of batch ${batchId} is no longer saved`)
  return { batch, project }
}
