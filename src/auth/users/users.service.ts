import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { ApiException } from '../../common/problem/api-exception';
import { Page, pageOf, PageQueryDto, skipOf } from '../../common/pagination/page.dto';
import { UserCreateDto, UserResponseDto, UserUpdateDto } from '../dto/user.dto';
import { toUserResponse } from '../dto/user.mapper';
import { PasswordHasher } from '../password-hasher';
import { AuthenticatedUser } from '../roles';
import { UserChanges, UsersRepository } from './users.repository';

/** Where the generated first-start password is shown: the console itself (standard error by default). */
export const ADMIN_NOTICE_WRITER = Symbol('ADMIN_NOTICE_WRITER');
export const writeToConsole = (text: string): void => void process.stderr.write(text);

function firstStartNotice(username: string, password: string): string {
  const line = '='.repeat(72);
  return [
    '',
    line,
    '  First start: an admin user was created with a generated password.',
    `    username: ${username}`,
    `    password: ${password}`,
    '  It is shown this once. Log in and change it (POST /api/v1/auth/password);',
    '  until then the token you get can do nothing else.',
    line,
    '',
    '',
  ].join('\n');
}

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    @Inject(ADMIN_NOTICE_WRITER) private readonly console: (text: string) => void,
  ) {}

  /**
   * First start: when no active admin exists, create (or re-enable) the configured one. Without
   * ADMIN_PASSWORD a strong password is generated, shown once on the console (never in the JSON
   * log, which may be shipped elsewhere) and must be changed at first login.
   */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.countActiveAdmins()) > 0) return;
    const { username } = this.config.admin;
    const generated = this.config.admin.password === undefined;
    const password = this.config.admin.password ?? randomBytes(18).toString('base64url');
    const hash = await this.hasher.hash(password);
    const created = await this.users.create(username, hash, 'admin', generated);
    if (!created) {
      await this.users.update(username, { role: 'admin', active: true, passwordHash: hash });
      if (generated) await this.users.requirePasswordChange(username);
    }
    this.logger.log({ msg: 'bootstrap admin ready', username, generated_password: generated });
    if (generated) this.console(firstStartNotice(username, password));
  }

  async list(query: PageQueryDto): Promise<Page<UserResponseDto>> {
    const { items, total } = await this.users.list(skipOf(query), query.per_page);
    return pageOf(items.map(toUserResponse), total, query);
  }

  async create(dto: UserCreateDto): Promise<UserResponseDto> {
    const user = await this.users.create(dto.username, await this.hasher.hash(dto.password), dto.role);
    if (!user) throw new ApiException(409, 'USERNAME_TAKEN', `The username ${dto.username} is taken.`);
    return toUserResponse(user);
  }

  async update(username: string, dto: UserUpdateDto, actor: AuthenticatedUser): Promise<UserResponseDto> {
    if (dto.role === undefined && dto.active === undefined && dto.password === undefined) {
      throw new ApiException(422, 'VALIDATION_FAILED', 'Send at least one of role, active, password.', [
        { field: 'body', message: 'at least one of role, active, password is required' },
      ]);
    }
    if (username === actor.username && (dto.active === false || (dto.role && dto.role !== 'admin'))) {
      throw new ApiException(409, 'CANNOT_DEMOTE_SELF', 'An admin cannot disable or demote their own account.');
    }
    const changes: UserChanges = { role: dto.role, active: dto.active };
    if (dto.password !== undefined) changes.passwordHash = await this.hasher.hash(dto.password);
    const user = await this.users.update(username, changes);
    if (!user) throw new ApiException(404, 'USER_NOT_FOUND', `No user is named ${username}.`);
    return toUserResponse(user);
  }
}
