import type { FastifyRequest } from 'fastify';
import { requirePermission, requirePlanner } from '../auth/caller.ts';
import { callerOf } from './authentication.ts';

/*
 * Permission before validation: a caller without the permission gets 403, never a 400 that
 * tells them about their input. Use these as preValidation hooks of a route or a plugin.
 */

/** A preValidation hook that needs the permission. */
export function requires(permission: string): (request: FastifyRequest) => Promise<void> {
  return async (request) => requirePermission(callerOf(request), permission);
}

/** A preValidation hook that needs the planner (taskplanner or taskplanner.admin). */
export async function requiresPlanner(request: FastifyRequest): Promise<void> {
  requirePlanner(callerOf(request));
}
