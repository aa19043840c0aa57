import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { LoginAttempt } from './login-attempt.schema';

export const MAX_FAILED_LOGINS = 5;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
const DUPLICATE_KEY = 11000;
const RESERVE_ROUNDS = 5;

/**
 * Counts failed logins per username in a fixed 15-minute window that opens at the first one.
 *
 * Every attempt first reserves one of the window's 5 slots in a single atomic write, before the
 * password is checked. So a burst of concurrent guesses gets exactly 5 password checks, however
 * many requests it sends at once. A successful login clears the count, as users expect after a
 * few typos: only someone who knows the password can do that.
 */
@Injectable()
export class LoginThrottleService {
  constructor(@InjectModel(LoginAttempt.name) private readonly attempts: Model<LoginAttempt>) {}

  /** Reserves an attempt: 0 when the caller may check the password, else the seconds until it may. */
  async reserve(username: string, now = new Date()): Promise<number> {
    const windowFloor = new Date(now.getTime() - LOGIN_WINDOW_MS);
    for (let round = 0; round < RESERVE_ROUNDS; round++) {
      const slot = await this.attempts
        .findOneAndUpdate(
          {
            _id: username,
            window_start: trusted({ $gt: windowFloor }),
            failures: trusted({ $lt: MAX_FAILED_LOGINS }),
          },
          { $inc: { failures: 1 } },
        )
        .lean()
        .exec();
      if (slot) return 0;

      const current = await this.attempts.findById(username).lean<LoginAttempt>().exec();
      const windowIsOpen = current !== null && current.window_start > windowFloor;
      if (windowIsOpen && current.failures >= MAX_FAILED_LOGINS) {
        const remainingMs = current.window_start.getTime() + LOGIN_WINDOW_MS - now.getTime();
        return Math.max(1, Math.ceil(remainingMs / 1000));
      }
      // A window opened (or a slot freed) since the first write: reserve again.
      if (windowIsOpen) continue;
      if (await this.openWindow(username, now, windowFloor)) return 0;
    }
    return 1; // the window changed hands on every round: refuse rather than check unthrottled
  }

  /** After a successful login: the failures so far no longer count. */
  async reset(username: string): Promise<void> {
    await this.attempts.deleteOne({ _id: username }).exec();
  }

  /** Starts a window holding this attempt, replacing an expired one; false if another attempt just did. */
  private async openWindow(username: string, now: Date, windowFloor: Date): Promise<boolean> {
    try {
      await this.attempts
        .findOneAndUpdate(
          { _id: username, window_start: trusted({ $lte: windowFloor }) },
          { $set: { window_start: now, failures: 1 } },
          { upsert: true },
        )
        .exec();
      return true;
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      return false;
    }
  }
}
