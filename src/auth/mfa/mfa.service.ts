import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { toDataURL } from 'qrcode';
import { ApiException } from '../../common/problem/api-exception';
import { MfaConfirmResponseDto, MfaEnrolmentResponseDto } from '../dto/auth.dto';
import { SessionUser } from '../roles';
import { SessionsRepository } from '../sessions/sessions.repository';
import { TokensService } from '../tokens.service';
import { UserRecord, UsersRepository } from '../users/users.repository';
import {
  newRecoveryCodes,
  newTotpSecret,
  otpauthUri,
  recoveryCodeHash,
  totpStep,
  TOTP_CODE,
} from './totp';

/** A spent code is remembered far longer than any code stays valid. */
const USED_CODE_KEPT_MS = 24 * 60 * 60 * 1000;

/** A step's code is spent per secret: after a reset, a new secret's codes of the same minute still work. */
const totpKey = (secret: string, step: number) =>
  `totp:${createHash('sha256').update(secret).digest('hex').slice(0, 16)}:${step}`;

const ALREADY_ENABLED = () =>
  new ApiException(
    409,
    'MFA_ALREADY_ENABLED',
    'A second factor is already set up; an admin can reset it.',
  );

/**
 * The second factor: TOTP (RFC 6238) with one-time recovery codes. A code is accepted once: its
 * time step must be later than the last one the user signed in with (a conditional write on the
 * user), and its claim in the spent-codes collection must be the first (an insert by key, which
 * the database refuses twice whichever instance tries).
 */
@Injectable()
export class MfaService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly tokens: TokensService,
  ) {}

  async enrol(session: SessionUser): Promise<MfaEnrolmentResponseDto> {
    const secret = newTotpSecret();
    if (!(await this.users.setPendingMfaSecret(session.username, secret))) throw ALREADY_ENABLED();
    const uri = otpauthUri(secret, session.username);
    return {
      secret,
      otpauth_uri: uri,
      qr_code: await toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2 }),
    };
  }

  /** The first code proves the app holds the secret: it is switched on, with fresh recovery codes. */
  async confirm(session: SessionUser, code: string): Promise<MfaConfirmResponseDto> {
    const user = await this.users.findByUsername(session.username);
    if (!user) throw new ApiException(401, 'UNAUTHENTICATED', 'A valid bearer token is required.');
    if (user.mfaSecret) throw ALREADY_ENABLED();
    if (!user.mfaPendingSecret) {
      throw new ApiException(409, 'MFA_NOT_ENROLLING', 'Start with POST /api/v1/auth/mfa/enrol.');
    }
    const step = totpStep(user.mfaPendingSecret, code);
    if (step === null || !(await this.claim(user.username, totpKey(user.mfaPendingSecret, step)))) {
      throw new ApiException(
        422,
        'INVALID_MFA_CODE',
        'The code does not match; check the device clock and try again.',
        [{ field: 'code', message: 'code does not match the enrolled secret' }],
      );
    }
    const recoveryCodes = newRecoveryCodes();
    const confirmed = await this.users.confirmMfa(
      user.username,
      user.mfaPendingSecret,
      step,
      recoveryCodes.map(recoveryCodeHash),
    );
    // Another enrolment replaced the secret meanwhile: this code confirms nothing.
    if (!confirmed)
      throw new ApiException(
        409,
        'MFA_NOT_ENROLLING',
        'The enrolment changed meanwhile; start again.',
      );
    const token = await this.tokens.accessToken(user, { mfa: true });
    return { ...token, recovery_codes: recoveryCodes };
  }

  /** True once per right code: a TOTP code of a step not used before, or an unspent recovery code. */
  async verifyLoginCode(user: UserRecord, code: string): Promise<boolean> {
    const secret = user.mfaSecret;
    if (!secret) return false;
    if (TOTP_CODE.test(code)) {
      const step = totpStep(secret, code);
      return (
        step !== null &&
        (await this.claim(user.username, totpKey(secret, step))) &&
        (await this.users.acceptMfaStep(user.username, secret, step))
      );
    }
    const hash = recoveryCodeHash(code);
    return (
      (await this.claim(user.username, `recovery:${hash}`)) &&
      (await this.users.spendRecoveryCode(user.username, hash))
    );
  }

  async reset(username: string): Promise<void> {
    if (!(await this.users.resetMfa(username))) {
      throw new ApiException(404, 'USER_NOT_FOUND', `No user is named ${username}.`);
    }
  }

  private claim(username: string, code: string): Promise<boolean> {
    return this.sessions.claimCode(`${username}:${code}`, new Date(Date.now() + USED_CODE_KEPT_MS));
  }
}
