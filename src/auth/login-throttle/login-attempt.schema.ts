import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** Failed logins of one username within the current window; shared by all instances. */
@Schema({ collection: 'login_attempts', versionKey: false })
export class LoginAttempt {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: Date, required: true })
  window_start: Date;

  /** Attempts of this window, failed or still being checked. */
  @Prop({ type: Number, required: true })
  failures: number;

  /** Of those, the ones whose password is still being checked. */
  @Prop({ type: Number, default: 0 })
  pending: number;

  /** Raised by one on every write: the storage refuses a write computed from a stale read. */
  @Prop({ type: Number })
  revision?: number;
}

export const LoginAttemptSchema = SchemaFactory.createForClass(LoginAttempt);
