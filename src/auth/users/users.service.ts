import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { ApiException } from '../../common/problem/api-exception';
import { Page, pageOf, PageQueryDto, skipOf } from '../../common/pagination/page.dto';
import { UserCreateDto, UserResponseDto, UserUpdateDto } from '../dto/user.dto';
import { toUserResponse } from '../dto/user.mapper';
import { PasswordHasher } from '../password-hasher';
import { AuthenticatedUser } from '../roles';
import { UserChanges, UsersRepository } from './users.repository';

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  /** First start: when no active admin exists, create (or re-enable) the configured one. */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.countActiveAdmins()) > 0) return;
    const { username, password } = this.config.admin;
    const hash = await this.hasher.hash(password);
    const created = await this.users.create(username, hash, 'admin');
    if (!created) await this.users.update(username, { role: 'admin', active: true, passwordHash: hash });
    this.logger.log({ msg: 'bootstrap admin ready', username });
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
