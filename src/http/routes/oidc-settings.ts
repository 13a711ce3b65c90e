import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { OidcSettingsInput } from '../../domain/oidc-schema.ts';
import { redirectUriOf, type OidcSettings } from '../../domain/oidc-settings.ts';
import type { Services } from '../../services.ts';
import { registerIdentitySettingsRoutes } from './identity-settings.ts';

const OidcSettingsSchema = Type.Object(
  {
    ...OidcSettingsInput.properties,
    clientSecret: Type.String({ description: 'Masked' }),
    redirectUri: Type.String({ description: 'The redirect URI to register at the provider' }),
  },
  { description: 'The OpenID provider; the client secret is masked' },
);

/** /api/v1/settings/oidc: the OpenID provider users may sign in with, for settings.manage. */
export function oidcSettingsRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    registerIdentitySettingsRoutes(app, {
      service: services.oidc,
      input: OidcSettingsInput,
      answer: OidcSettingsSchema,
      view: (settings: OidcSettings) => ({ ...settings, redirectUri: redirectUriOf(settings) }),
      what: 'The OpenID provider users may sign in with',
      removed: 'SSO accounts can no longer sign in',
    });
  };
}
