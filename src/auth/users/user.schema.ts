import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { ROLES, Role } from '../roles';

@Schema({ collection: 'users', timestamps: { createdAt: 'created_at', updatedAt: 'updated_at' }, versionKey: false })
export class User {
  @Prop({ type: String, required: true, unique: true })
  username: string;

  @Prop({ type: String, required: true })
  password_hash: string;

  @Prop({ type: String, required: true, enum: ROLES })
  role: Role;

  @Prop({ type: Boolean, required: true, default: true })
  active: boolean;

  /** Tokens carry the generation they were issued in; a password change or a disable bumps it. */
  /** Raised by one on every update: the storage refuses a write computed from a stale read. */
  @Prop({ type: Number })
  revision?: number;

  @Prop({ type: Number, required: true, default: 0 })
  token_generation: number;

  created_at: Date;
  updated_at: Date;
}

export const UserSchema = SchemaFactory.createForClass(User);
