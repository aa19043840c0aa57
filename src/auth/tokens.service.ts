import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { TokenResponseDto } from './dto/auth.dto';
import { RestrictedScope, Role } from './roles';
import { UserRecord } from './users/users.repository';

/** What the service signs into a bearer token. */
export interface JwtPayload {
  sub: string;
  role: string;
  /** The user's token generation at issue (absent in tokens issued before generations: 0). */
  gen?: number;
  /** Unique per token: what logout revokes. */
  jti?: string;
  /** Absent: everything the role allows. */
  scope?: RestrictedScope;
  /** Issued after a second factor. */
  mfa?: boolean;
  exp?: number;
}

interface ChallengePayload {
  sub: string;
  gen: number;
}

/** Between the password and the code: long enough to open the authenticator app. */
export const MFA_CHALLENGE_SECONDS = 300;
/** A token that can only change a password or enrol a second factor needs no long life. */
const RESTRICTED_TOKEN_SECONDS = 900;
/** Not the API's audience: a challenge can never be presented as a bearer token. */
const MFA_AUDIENCE = 'pawnshop-mfa-challenge';

@Injectable()
export class TokensService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jwt: JwtService,
  ) {}

  async accessToken(
    user: Pick<UserRecord, 'username' | 'role' | 'tokenGeneration'>,
    options: { scope?: RestrictedScope; mfa?: boolean } = {},
  ): Promise<TokenResponseDto> {
    const payload: JwtPayload = {
      sub: user.username,
      role: user.role,
      gen: user.tokenGeneration,
      jti: randomUUID(),
    };
    if (options.scope) payload.scope = options.scope;
    if (options.mfa) payload.mfa = true;
    const expiresIn = options.scope
      ? Math.min(RESTRICTED_TOKEN_SECONDS, this.config.jwt.expiresInSeconds)
      : this.config.jwt.expiresInSeconds;
    const response: TokenResponseDto = {
      access_token: await this.jwt.signAsync(payload, { expiresIn }),
      token_type: 'Bearer',
      expires_in: expiresIn,
      role: user.role as Role,
    };
    if (options.scope) response.scope = options.scope;
    return response;
  }

  mfaChallenge(user: Pick<UserRecord, 'username' | 'tokenGeneration'>): Promise<string> {
    const payload: ChallengePayload = { sub: user.username, gen: user.tokenGeneration };
    return this.jwt.signAsync(payload, {
      audience: MFA_AUDIENCE,
      expiresIn: MFA_CHALLENGE_SECONDS,
    });
  }

  /** The challenge's user and generation, or undefined when it is forged, expired or not a challenge. */
  async verifyMfaChallenge(token: string): Promise<ChallengePayload | undefined> {
    try {
      const payload = await this.jwt.verifyAsync<ChallengePayload>(token, {
        algorithms: ['HS256'],
        audience: MFA_AUDIENCE,
        issuer: this.config.jwt.issuer,
      });
      return typeof payload.sub === 'string' && typeof payload.gen === 'number'
        ? payload
        : undefined;
    } catch {
      return undefined;
    }
  }
}
