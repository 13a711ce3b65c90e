import { Type } from '@sinclair/typebox';
import { defineSeries } from '../../define-kind.ts';

/** The permission to run a task once for each member of a group. */
export const GROUP_PERMISSION = 'series.group';

const GroupConfig = Type.Object(
  {
    group: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The group (by name or id) whose enabled members are the values',
    }),
  },
  { additionalProperties: false },
);

/** The enabled members of a group, each {id, login, name, email}. */
export const groupSeries = defineSeries({
  kind: 'group',
  title: 'Group members',
  description:
    'Runs the jobs and actions once for each enabled member of a group, with {id}, {login}, {name} and {email}',
  configSchema: GroupConfig,
  permission: GROUP_PERMISSION,
  resolve: async (config, context) => {
    const members = await context.host.groupMembers(config.group);
    return members.map(({ id, login, name, email }) => ({ id, login, name, email }));
  },
});
