import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A second-factor code that was accepted, keyed by user and code, so that two sign-ins
 * presenting the same code at once, on any instance, cannot both pass: the second insert of
 * the same `_id` fails in the database. Kept well past the code's validity.
 */
@Schema({ collection: 'mfa_used_codes', versionKey: false })
export class UsedCode {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: Date, required: true, index: true })
  expires_at: Date;
}

export const UsedCodeSchema = SchemaFactory.createForClass(UsedCode);
