import type { Plugin } from '../plugin.ts';
import { webhookAction } from './actions/webhook.ts';
import { commandJob } from './jobs/command.ts';
import { httpJob } from './jobs/http.ts';

/** Built-in kinds: process (run a program, request a URL, call a webhook). */
export const processKinds: Pick<Plugin, 'components' | 'permissions'> = {
  permissions: [
    {
      name: 'job.command',
      description:
        'May run programs on the server (the "Run a program" job). Unless the server sets TASKPLANNER_RUN_AS, they run as the server\'s own user and can read its secret key, database and settings: then this permission is equivalent to administering the server. With TASKPLANNER_RUN_AS they run as that unprivileged user, which can still reach whatever that user may on the machine and network',
    },
    { name: 'job.http', description: 'May request URLs from the server (the "HTTP request" job)' },
    { name: 'action.http', description: 'May send run results to a URL (the "Webhook" action)' },
  ],
  components: [commandJob, httpJob, webhookAction],
};
