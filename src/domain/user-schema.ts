import { Type, type Static } from '@sinclair/typebox';
import { LOGIN_PATTERN } from './user.ts';

const Login = Type.String({ pattern: LOGIN_PATTERN, maxLength: 64 });
// The policy beyond the length needs the login and a word list, so src/auth/password-policy.ts
// checks it; the description tells API clients the whole rule.
const Password = Type.String({
  minLength: 8,
  maxLength: 1024,
  description:
    'At least 8 characters; must not contain the login (ignoring case), be a common password, ' +
    'repeat a few characters or be a simple sequence like 12345678',
});
const DisplayName = Type.String({ minLength: 1, maxLength: 200 });
const Email = Type.Union([Type.String({ format: 'email', maxLength: 320 }), Type.Null()]);
const MustChangePassword = Type.Optional(
  Type.Boolean({ description: 'The user must change the password at their next login' }),
);
const Permissions = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 200 });

/** Body of POST /users. */
export const UserCreateInput = Type.Object(
  {
    login: Login,
    password: Password,
    displayName: Type.Optional(DisplayName),
    email: Type.Optional(Email),
    permissions: Type.Optional(Permissions),
    groupIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
        maxItems: 100,
        description: 'Groups (such as the roles Planners, Operators) the user joins at once',
      }),
    ),
    mustChangePassword: MustChangePassword,
  },
  { additionalProperties: false },
);
export type UserCreateInput = Static<typeof UserCreateInput>;

/** Body of PATCH /users/{id}: the fields to change. */
export const UserUpdateInput = Type.Object(
  {
    login: Type.Optional(Login),
    password: Type.Optional(Password),
    displayName: Type.Optional(DisplayName),
    email: Type.Optional(Email),
    permissions: Type.Optional(Permissions),
    disabled: Type.Optional(Type.Boolean()),
    mustChangePassword: MustChangePassword,
  },
  { additionalProperties: false },
);
export type UserUpdateInput = Static<typeof UserUpdateInput>;

/** Body of PUT /me/password. */
export const PasswordChangeInput = Type.Object(
  { currentPassword: Type.String({ maxLength: 1024 }), newPassword: Password },
  { additionalProperties: false },
);
export type PasswordChangeInput = Static<typeof PasswordChangeInput>;

const GroupName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const MemberIds = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 5000 });

/** Body of POST /groups. */
export const GroupCreateInput = Type.Object(
  {
    name: GroupName,
    permissions: Type.Optional(Permissions),
    memberIds: Type.Optional(MemberIds),
    usableInSeries: Type.Optional(
      Type.Boolean({ description: 'Any planner may run a group series over its members' }),
    ),
    role: Type.Optional(
      Type.Boolean({ description: 'A role: offered by name when a user is made' }),
    ),
    description: Type.Optional(Type.String({ maxLength: 500, description: 'What it is for' })),
  },
  { additionalProperties: false },
);
export type GroupCreateInput = Static<typeof GroupCreateInput>;

/** Body of PATCH /groups/{id}: the fields to change. */
export const GroupUpdateInput = Type.Partial(GroupCreateInput, { additionalProperties: false });
export type GroupUpdateInput = Static<typeof GroupUpdateInput>;
