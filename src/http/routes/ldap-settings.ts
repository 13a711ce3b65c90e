import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LdapSettingsInput } from '../../domain/ldap-schema.ts';
import type { Services } from '../../services.ts';
import { callerOf } from '../authentication.ts';
import { responses } from '../schemas.ts';
import { registerIdentitySettingsRoutes } from './identity-settings.ts';

const LdapSettingsSchema = Type.Object(
  { ...LdapSettingsInput.properties, bindPassword: Type.String({ description: 'Masked' }) },
  { description: 'The directory; the password is masked' },
);

/** /api/v1/settings/ldap: the LDAP directory users log in with, for holders of settings.manage. */
export function ldapSettingsRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { ldap } = services;
  return async (app) => {
    registerIdentitySettingsRoutes(app, {
      service: ldap,
      input: LdapSettingsInput,
      answer: LdapSettingsSchema,
      view: (settings) => ({ ...settings }),
      what: 'The LDAP directory users log in with',
      removed: 'directory accounts can no longer log in',
    });

    app.post(
      '/test',
      {
        schema: {
          tags: ['settings'],
          summary:
            'Test the directory: binds as the service account and counts users and mapped groups',
          response: responses({ 200: Type.Object({ ok: Type.Boolean(), message: Type.String() }) }),
        },
      },
      async (request) => ldap.test(callerOf(request)),
    );
  };
}
