import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ApiException } from '../common/problem/api-exception';
import { MfaChallengeResponseDto, TokenResponseDto } from './dto/auth.dto';
import { LoginThrottleService } from './login-throttle/login-throttle.service';
import { MfaService } from './mfa/mfa.service';
import { PasswordHasher } from './password-hasher';
import { SessionUser } from './roles';
import { SessionsRepository } from './sessions/sessions.repository';
import { MFA_CHALLENGE_SECONDS, TokensService } from './tokens.service';
import { UserRecord, UsersRepository } from './users/users.repository';

export type { JwtPayload } from './tokens.service';

const INVALID_CREDENTIALS = () =>
  new ApiException(401, 'INVALID_CREDENTIALS', 'Invalid username or password.');
const INVALID_CODE = () =>
  new ApiException(401, 'INVALID_MFA_CODE', 'The code is wrong, expired or already used.');
const tooManyAttempts = (retryAfter: number) =>
  new ApiException(
    429,
    'TOO_MANY_LOGIN_ATTEMPTS',
    'Too many failed logins; try again later.',
    undefined,
    {
      'Retry-After': String(retryAfter),
    },
  );

/**
 * Signing in: the password, then (when the user has one) the second factor. Both steps go
 * through the login throttle: a wrong code counts as a failed login like a wrong password.
 */
@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottleService,
    private readonly tokens: TokensService,
    private readonly mfa: MfaService,
    private readonly sessions: SessionsRepository,
  ) {}

  async login(
    rawUsername: string,
    password: string,
  ): Promise<TokenResponseDto | MfaChallengeResponseDto> {
    const username = rawUsername.trim().toLowerCase();
    const user = await this.throttled(username, () => this.verifiedUser(username, password), {
      // A right password with a second factor to come: neither a failure nor a success yet.
      onSuccess: (verified) =>
        verified.mfaSecret ? this.throttle.released(username) : this.throttle.succeeded(username),
    });
    if (user.mustChangePassword) return this.tokens.accessToken(user, { scope: 'password_change' });
    if (user.mfaSecret) {
      return {
        mfa_required: true,
        mfa_token: await this.tokens.mfaChallenge(user),
        expires_in: MFA_CHALLENGE_SECONDS,
      };
    }
    if (this.config.mfaRequiredRoles.includes(user.role))
      return this.tokens.accessToken(user, { scope: 'mfa_enrolment' });
    return this.tokens.accessToken(user);
  }

  /** The second step: the challenge from the password step and a code (TOTP or recovery). */
  async loginWithCode(mfaToken: string, code: string): Promise<TokenResponseDto> {
    const challenge = await this.tokens.verifyMfaChallenge(mfaToken);
    if (!challenge)
      throw new ApiException(
        401,
        'INVALID_MFA_TOKEN',
        'The sign-in challenge is invalid or expired; log in again.',
      );
    const user = await this.throttled(challenge.sub, async () => {
      const current = await this.users.findByUsername(challenge.sub);
      // Disabled, password changed or second factor reset since the password step: start over.
      if (!current?.active || current.tokenGeneration !== challenge.gen || !current.mfaSecret)
        throw INVALID_CODE();
      if (!(await this.mfa.verifyLoginCode(current, code))) throw INVALID_CODE();
      return current;
    });
    return this.tokens.accessToken(user, { mfa: true });
  }

  /** Revokes the presented token on every instance until it would have expired anyway. */
  async logout(session: SessionUser): Promise<void> {
    await this.sessions.revoke(session.tokenId, session.expiresAt);
  }

  /** Own password: the current one proves it is the user (throttled like a login); every token then stops. */
  async changePassword(
    session: SessionUser,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    if (currentPassword === newPassword) {
      throw new ApiException(
        422,
        'VALIDATION_FAILED',
        'The new password must differ from the current one.',
        [{ field: 'new_password', message: 'new_password must differ from current_password' }],
      );
    }
    await this.throttled(session.username, () =>
      this.verifiedUser(session.username, currentPassword),
    );
    const user = await this.users.update(session.username, {
      passwordHash: await this.hasher.hash(newPassword),
    });
    if (!user) throw INVALID_CREDENTIALS();
  }

  /** Runs one attempt in a slot of the login throttle: a thrown error counts as a failure. */
  private async throttled<T>(
    username: string,
    attempt: () => Promise<T>,
    options: { onSuccess?: (result: T) => Promise<void> } = {},
  ): Promise<T> {
    const retryAfter = await this.throttle.reserve(username);
    if (retryAfter > 0) throw tooManyAttempts(retryAfter);
    let result: T;
    try {
      result = await attempt();
    } catch (error) {
      await this.throttle.failed(username);
      throw error;
    }
    await (options.onSuccess ? options.onSuccess(result) : this.throttle.succeeded(username));
    return result;
  }

  /** The active user with these credentials; a 401 otherwise. */
  private async verifiedUser(username: string, password: string): Promise<UserRecord> {
    const user = await this.users.findByUsername(username);
    const passwordMatches = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !passwordMatches || !user.active) throw INVALID_CREDENTIALS();
    return user;
  }
}
