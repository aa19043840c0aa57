import { Inject, Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { APP_CONFIG, AppConfig } from '../config/app-config';

type HashOptions = argon2.HashOptions & { raw?: false };

/** The library's defaults: 64 MiB, t=3, p=4. */
const PRODUCTION_COST: HashOptions = { type: argon2.argon2id };
/** NODE_ENV=test only: still argon2id, but cheap, so hundreds of e2e logins stay fast. */
const TEST_COST: HashOptions = { type: argon2.argon2id, memoryCost: 4096, timeCost: 2, parallelism: 1 };

@Injectable()
export class PasswordHasher {
  private readonly options: HashOptions;
  // Verified against when the username is unknown, so both failures take the same time.
  private readonly decoy: Promise<string>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.options = config.nodeEnv === 'test' ? TEST_COST : PRODUCTION_COST;
    this.decoy = argon2.hash('decoy-password-for-unknown-users', this.options);
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash ?? (await this.decoy), password);
    } catch {
      return false;
    }
  }
}
