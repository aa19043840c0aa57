import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ApiException } from '../common/problem/api-exception';
import { TokenResponseDto } from './dto/auth.dto';
import { LoginThrottleService } from './login-throttle/login-throttle.service';
import { PasswordHasher } from './password-hasher';
import { UserRecord, UsersRepository } from './users/users.repository';

export interface JwtPayload {
  sub: string;
  role: string;
  /** The user's token generation at issue (absent in tokens issued before generations: 0). */
  gen?: number;
}

const INVALID_CREDENTIALS = () => new ApiException(401, 'INVALID_CREDENTIALS', 'Invalid username or password.');

@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottleService,
    private readonly jwt: JwtService,
  ) {}

  async login(rawUsername: string, password: string): Promise<TokenResponseDto> {
    const username = rawUsername.trim().toLowerCase();
    const retryAfter = await this.throttle.reserve(username);
    if (retryAfter > 0) {
      throw new ApiException(429, 'TOO_MANY_LOGIN_ATTEMPTS', 'Too many failed logins; try again later.', undefined, {
        'Retry-After': String(retryAfter),
      });
    }
    // The slot counts as a failure unless the credentials turn out right.
    let user: UserRecord;
    try {
      user = await this.verifiedUser(username, password);
    } catch (error) {
      await this.throttle.failed(username);
      throw error;
    }
    await this.throttle.succeeded(username);
    const payload: JwtPayload = { sub: user.username, role: user.role, gen: user.tokenGeneration };
    return {
      access_token: await this.jwt.signAsync(payload),
      token_type: 'Bearer',
      expires_in: this.config.jwt.expiresInSeconds,
      role: user.role,
    };
  }

  /** The active user with these credentials; a 401 otherwise. */
  private async verifiedUser(username: string, password: string): Promise<UserRecord> {
    const user = await this.users.findByUsername(username);
    const passwordMatches = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !passwordMatches || !user.active) throw INVALID_CREDENTIALS();
    return user;
  }
}
