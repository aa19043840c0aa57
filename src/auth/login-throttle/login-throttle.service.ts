import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { LoginAttempt } from './login-attempt.schema';

export const MAX_FAILED_LOGINS = 5;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
const DUPLICATE_KEY = 11000;

/**
 * Counts failed logins per username in a fixed 15-minute window that opens at the first
 * failure. Each step is one atomic write, so concurrent attempts are all counted.
 */
@Injectable()
export class LoginThrottleService {
  constructor(@InjectModel(LoginAttempt.name) private readonly attempts: Model<LoginAttempt>) {}

  /** Seconds until the username may try again, or 0 when it may try now. */
  async retryAfterSeconds(username: string, now = new Date()): Promise<number> {
    const attempt = await this.attempts.findById(username).lean<LoginAttempt>().exec();
    if (!attempt || attempt.failures < MAX_FAILED_LOGINS) return 0;
    const remainingMs = attempt.window_start.getTime() + LOGIN_WINDOW_MS - now.getTime();
    return remainingMs > 0 ? Math.ceil(remainingMs / 1000) : 0;
  }

  async recordFailure(username: string, now = new Date()): Promise<void> {
    const windowOpen = { _id: username, window_start: trusted({ $gt: new Date(now.getTime() - LOGIN_WINDOW_MS) }) };
    const counted = await this.attempts.findOneAndUpdate(windowOpen, { $inc: { failures: 1 } }).lean().exec();
    if (counted) return;
    try {
      // No open window: start one (replacing an expired one). A concurrent start wins once.
      await this.attempts
        .findOneAndUpdate(
          { _id: username, window_start: trusted({ $lte: new Date(now.getTime() - LOGIN_WINDOW_MS) }) },
          { $set: { window_start: now, failures: 1 } },
          { upsert: true },
        )
        .exec();
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      await this.attempts.findOneAndUpdate(windowOpen, { $inc: { failures: 1 } }).exec();
    }
  }

  async reset(username: string): Promise<void> {
    await this.attempts.deleteOne({ _id: username, failures: trusted({ $lt: MAX_FAILED_LOGINS }) }).exec();
  }
}
