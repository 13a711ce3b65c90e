import { validationError } from '../domain/errors.ts';
import { OidcSettingsInput } from '../domain/oidc-schema.ts';
import type { OidcSettings } from '../domain/oidc-settings.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Store } from '../store/store.ts';
import { IdentitySourceSettings } from './identity-source-settings.ts';

/** Tokens and the client secret travel encrypted unless an administrator said otherwise. */
function requireHttps(input: OidcSettingsInput): void {
  if (input.issuer.startsWith('https://') || input.allowHttp) return;
  throw validationError([
    {
      path: '/issuer',
      message:
        'an http:// issuer would get the client secret unencrypted: use https://, or allowHttp',
    },
  ]);
}

/**
 * The OpenID provider users may sign in with, for holders of settings.manage. The client secret
 * goes only to the issuer and client it was given for; another issuer (who says who the users
 * are) needs everything the SSO accounts hold.
 */
export class OidcSettingsService extends IdentitySourceSettings<
  typeof OidcSettingsInput,
  OidcSettings
> {
  constructor(store: Store, box: SecretBox, now: () => Date) {
    super(store, box, now, {
      key: 'oidc',
      schema: OidcSettingsInput,
      source: 'oidc',
      secretField: 'clientSecret',
      destinationFields: ['issuer', 'clientId'],
      identityFields: ['issuer'],
      check: requireHttps,
      auditDetails: (input) => ({
        issuer: input.issuer,
        clientId: input.clientId,
        groupMap: input.groupMap,
      }),
    });
  }
}
