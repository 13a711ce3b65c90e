import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LdapSettingsInput } from '../../domain/ldap-schema.ts';
import type { Services } from '../../services.ts';
import { callerOf } from '../authentication.ts';
import { responses } from '../schemas.ts';

const LdapSettingsSchema = Type.Object(
  { ...LdapSettingsInput.properties, bindPassword: Type.String({ description: 'Masked' }) },
  { description: 'The directory; the password is masked' },
);

/** /api/v1/settings/ldap: the LDAP directory users log in with, for holders of settings.manage. */
export function ldapSettingsRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { ldap } = services;
  return async (app) => {
    const tags = ['settings'];

    app.get(
      '',
      {
        schema: {
          tags,
          summary: 'The LDAP directory users log in with; null when there is none',
          response: responses({ 200: Type.Union([LdapSettingsSchema, Type.Null()]) }),
        },
      },
      async (request) => ldap.get(callerOf(request)),
    );

    app.put(
      '',
      {
        schema: {
          tags,
          summary:
            'Set up the LDAP directory; the masked password keeps the stored one (same URL and account)',
          body: LdapSettingsInput,
          response: responses({ 200: LdapSettingsSchema }),
        },
      },
      async (request) => ldap.replace(callerOf(request), request.body),
    );

    app.delete(
      '',
      {
        schema: {
          tags,
          summary: 'Switch LDAP off: directory accounts can no longer log in',
          response: responses({ 204: Type.Null() }),
        },
      },
      async (request, reply) => {
        await ldap.remove(callerOf(request));
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/test',
      {
        schema: {
          tags,
          summary:
            'Test the directory: binds as the service account and counts users and mapped groups',
          response: responses({ 200: Type.Object({ ok: Type.Boolean(), message: Type.String() }) }),
        },
      },
      async (request) => ldap.test(callerOf(request)),
    );
  };
}
