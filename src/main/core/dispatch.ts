import { z } from 'zod'
import {
  ApiError,
  apiContract,
  describeZodError,
  isApiMethod,
  type ApiErrorShape,
  type ApiHandlers,
  type ApiMethod
} from '../../shared/api'

export type CallResult = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape }

/**
 * The single entry both transports use: checks the method exists, validates the payload against the
 * contract, runs the handler and turns any failure into a message the coordinator can read.
 * Internal errors are reported without their stack; the stack goes to the log, never the renderer.
 */
export async function dispatch(
  handlers: ApiHandlers,
  method: string,
  payload: unknown,
  log: (message: string) => void = () => {}
): Promise<CallResult> {
  if (!isApiMethod(method)) {
    return { ok: false, error: { code: 'unknown-method', message: `There is no call named "${method}".` } }
  }
  const parsed = apiContract[method].input.safeParse(payload ?? {})
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'invalid-input', message: `${method}: ${describeZodError(parsed.error)}` }
    }
  }
  try {
    const handler = handlers[method] as (input: unknown) => Promise<unknown>
    const result = await handler(parsed.data)
    return { ok: true, result }
  } catch (error) {
    return { ok: false, error: toErrorShape(error, method, log) }
  }
}

export function toErrorShape(
  error: unknown,
  method: ApiMethod | string,
  log: (m: string) => void
): ApiErrorShape {
  if (error instanceof ApiError) return { code: error.code, message: error.message }
  if (error instanceof z.ZodError) return { code: 'invalid-input', message: describeZodError(error) }
  if (error && typeof error === 'object' && 'kind' in error && error instanceof Error) {
    // HqError and friends carry a kind and a message written for coordinators.
    return { code: String((error as { kind: unknown }).kind), message: error.message }
  }
  log(`${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  return {
    code: 'internal',
    message: error instanceof Error ? error.message : 'Something went wrong inside Roster.'
  }
}
