import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';
import { TRANSACTION_TYPES, TransactionType } from '../domain/customer-rules';

/**
 * The first response to a transaction sent with an Idempotency-Key, so that a retry returns it.
 * `_id` is `<customer id>:<key>`: keys are scoped to one customer.
 */
@Schema({ collection: 'idempotency_records', versionKey: false })
export class IdempotencyRecord {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  customer_id: Types.ObjectId;

  @Prop({ type: String, required: true, enum: TRANSACTION_TYPES })
  type: TransactionType;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  response: Record<string, unknown>;

  @Prop({ type: Date, required: true })
  at: Date;
}

export const IdempotencyRecordSchema = SchemaFactory.createForClass(IdempotencyRecord);
IdempotencyRecordSchema.index({ at: 1 });
