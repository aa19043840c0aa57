import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A token signed out before its expiry; kept until then, when it would stop working anyway. */
@Schema({ collection: 'revoked_tokens', versionKey: false })
export class RevokedToken {
  /** The token's `jti`: every request looks it up by this field (an equality on an indexed field). */
  @Prop({ type: String, required: true, unique: true })
  jti: string;

  @Prop({ type: Date, required: true, index: true })
  expires_at: Date;
}

export const RevokedTokenSchema = SchemaFactory.createForClass(RevokedToken);
