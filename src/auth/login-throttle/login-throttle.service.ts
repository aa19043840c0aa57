import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HOUR_MS, PeriodicTask } from '../../common/scheduling/periodic-task';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { LoginAttempt } from './login-attempt.schema';
import { DatabaseEngine } from '../../database/database-engine';

export const MAX_FAILED_LOGINS = 5;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
/** How long an attempt waits for slots held by attempts still being checked, before a 429. */
const WAIT_FOR_SLOT_MS = 3000;
const SLOT_POLL_MS = 25;
const RELEASE_ATTEMPTS = 10;
const LOST_RACE = Symbol('lost race');

/**
 * Counts failed logins per username in a fixed 15-minute window that opens at the first attempt.
 *
 * Every attempt first takes one of the window's 5 slots in a single atomic write, before the
 * password is checked, so a burst of concurrent guesses gets exactly 5 password checks however
 * many requests it sends at once. An attempt that finds every slot taken waits while some are
 * held by checks still running (those may succeed and free them), and gets a 429 once 5 have
 * failed. A successful login clears the count, as users expect after a few typos: only someone
 * who knows the password can do that.
 */
@Injectable()
export class LoginThrottleService implements OnApplicationBootstrap, OnModuleDestroy {
  /** Windows that have passed are deleted hourly: a guessed username leaves no record for long. */
  private readonly purge = new PeriodicTask('login attempts purge', HOUR_MS, () => this.purgeExpired());

  constructor(
    @InjectModel(LoginAttempt.name) private readonly attempts: Model<LoginAttempt>,
    private readonly engine: DatabaseEngine,
  ) {}

  /** Takes a slot: 0 when the caller may check the password, else the seconds until it may. */
  async reserve(username: string, now = new Date()): Promise<number> {
    const windowFloor = new Date(now.getTime() - LOGIN_WINDOW_MS);
    const giveUpAt = Date.now() + WAIT_FOR_SLOT_MS;
    while (Date.now() < giveUpAt) {
      const slot = await this.attempts
        .findOneAndUpdate(
          {
            _id: username,
            window_start: trusted({ $gt: windowFloor }),
            failures: trusted({ $lt: MAX_FAILED_LOGINS }),
          },
          { $inc: { failures: 1, pending: 1, ...this.engine.revisionBump } },
        )
        .lean()
        .exec()
        .catch((error: unknown) => this.lostRace(error));
      if (slot === LOST_RACE) continue;
      if (slot) return 0;

      const current = await this.attempts.findById(username).lean<LoginAttempt>().exec();
      if (current && current.window_start > windowFloor) {
        if (current.failures - (current.pending ?? 0) >= MAX_FAILED_LOGINS) {
          const remainingMs = current.window_start.getTime() + LOGIN_WINDOW_MS - now.getTime();
          return Math.max(1, Math.ceil(remainingMs / 1000));
        }
        // Slots held by checks still running, or freed since the first write: try again.
        if (current.failures >= MAX_FAILED_LOGINS) await sleep(SLOT_POLL_MS);
        continue;
      }
      if (await this.openWindow(username, now, windowFloor)) return 0;
    }
    return 1; // slots still held by checks in progress: ask to come back in a second
  }

  onApplicationBootstrap(): void {
    this.purge.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.purge.stop();
  }

  /** Deletes the windows that have passed; returns how many. */
  async purgeExpired(now = new Date()): Promise<number> {
    const floor = new Date(now.getTime() - LOGIN_WINDOW_MS);
    const result = await this.attempts.deleteMany({ window_start: trusted({ $lte: floor }) }).exec();
    return result.deletedCount;
  }

  /** After a successful login: the failures so far no longer count. */
  async succeeded(username: string): Promise<void> {
    await this.attempts.deleteOne({ _id: username }).exec();
  }

  /** After a failed (or aborted) check: the slot stays taken, as a failure. */
  async failed(username: string): Promise<void> {
    for (let attempt = 1; attempt <= RELEASE_ATTEMPTS; attempt++) {
      const released = await this.attempts
        .updateOne(
          { _id: username, pending: trusted({ $gt: 0 }) },
          { $inc: { pending: -1, ...this.engine.revisionBump } },
        )
        .exec()
        .catch((error: unknown) => this.lostRace(error));
      if (released !== LOST_RACE) return;
    }
  }

  /** A write the storage refused as stale (another instance wrote first): try again. */
  private lostRace(error: unknown): typeof LOST_RACE {
    if (this.engine.isWriteConflict(error)) return LOST_RACE;
    throw error;
  }

  /** Starts a window holding this attempt, replacing an expired one; false if another attempt just did. */
  private async openWindow(username: string, now: Date, windowFloor: Date): Promise<boolean> {
    try {
      await this.attempts
        .findOneAndUpdate(
          { _id: username, window_start: trusted({ $lte: windowFloor }) },
          { $set: { window_start: now, failures: 1, pending: 1 }, $inc: this.engine.revisionBump },
          { upsert: true },
        )
        .exec();
      return true;
    } catch (error) {
      if (!this.engine.isDuplicateKey(error) && !this.engine.isWriteConflict(error)) throw error;
      return false;
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
