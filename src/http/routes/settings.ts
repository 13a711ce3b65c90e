import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  LimitsPatch,
  MailRetryHours,
  PublicUrl,
  SettingsPatch,
  SmtpInput,
} from '../../domain/settings-schema.ts';
import { GrantInput } from '../../domain/grant-schema.ts';
import { NoticesInput } from '../../domain/task-schema.ts';
import type { Services } from '../../services.ts';
import { callerOf } from '../authentication.ts';
import { responses } from '../schemas.ts';

const SettingsSchema = Type.Object({
  smtp: Type.Union([SmtpInput, Type.Null()], { description: 'The password is masked' }),
  folderRoots: Type.Array(Type.String()),
  allowedNetworks: Type.Array(Type.String(), {
    description: 'Networks tasks may reach even when a denied network holds them',
  }),
  deniedNetworks: Type.Array(Type.String(), {
    description: "Networks tasks may not reach; the server's own addresses are denied as well",
  }),
  allowPlaintextSmtp: Type.Boolean({
    description: "Tasks' own SMTP servers may take a login unencrypted when they offer no STARTTLS",
  }),
  mailRetryHours: MailRetryHours,
  // Every limit is there in an answer: its value, or null for none.
  limits: Type.Required(LimitsPatch),
  newTaskGrants: Type.Array(GrantInput, {
    description: 'The rights list every new task starts with; its owner may change it',
  }),
  notices: Type.Required(NoticesInput, {
    description: 'The failure notices of tasks that have none of their own',
  }),
  publicUrl: PublicUrl,
});

/** /api/v1/settings: server-wide settings, for holders of settings.manage. */
export function settingsRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { settings } = services;
  return async (app) => {
    const tags = ['settings'];

    app.get(
      '',
      {
        schema: {
          tags,
          summary:
            'The server-wide settings (default SMTP server, allowed folders and networks, per-user limits)',
          response: responses({ 200: SettingsSchema }),
        },
      },
      async (request) => settings.get(callerOf(request)),
    );

    app.patch(
      '',
      {
        schema: {
          tags,
          summary: 'Change server-wide settings; the masked password keeps the stored one',
          body: SettingsPatch,
          response: responses({ 200: SettingsSchema }),
        },
      },
      async (request) => settings.update(callerOf(request), request.body),
    );
  };
}
