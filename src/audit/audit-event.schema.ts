import { Prop, raw, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';
import {
  CUSTOMER_STATUSES,
  CustomerStatus,
  TRANSACTION_TYPES,
  TransactionType,
} from '../customers/domain/customer-rules';
import { AUDIT_ACTIONS, AuditAction, FieldChanges } from '../customers/domain/audit-entry';

/**
 * One relayed audit entry. `_id` is the entry's id, so relaying twice stores it once;
 * `customer_id` is the customer's immutable id, so history follows phone-number changes.
 */
@Schema({ collection: 'audit_events', versionKey: false })
export class AuditEvent {
  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  _id: Types.ObjectId;

  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  customer_id: Types.ObjectId;

  @Prop({ type: String, required: true, enum: AUDIT_ACTIONS })
  action: AuditAction;

  @Prop({ type: Date, required: true })
  at: Date;

  @Prop(raw({ username: { type: String, required: true }, role: { type: String, required: true } }))
  actor: { username: string; role: string };

  @Prop({ type: String, required: true })
  phone_number: string;

  /** The customer's version after the change; absent on events recorded before versions were. */
  @Prop({ type: Number })
  version?: number;

  @Prop({ type: String, required: true })
  request_id: string;

  @Prop({ type: String })
  reason?: string;

  @Prop({ type: String, enum: CUSTOMER_STATUSES })
  from_status?: CustomerStatus;

  @Prop({ type: String, enum: CUSTOMER_STATUSES })
  to_status?: CustomerStatus;

  @Prop({ type: MongooseSchema.Types.Mixed })
  changes?: FieldChanges;

  @Prop({ type: String, enum: TRANSACTION_TYPES })
  transaction_type?: TransactionType;
}

export const AuditEventSchema = SchemaFactory.createForClass(AuditEvent);
AuditEventSchema.index({ customer_id: 1, version: -1, at: -1, _id: -1 });
AuditEventSchema.index({ at: -1, _id: -1 });
AuditEventSchema.index({ action: 1, at: -1 });
AuditEventSchema.index({ 'actor.username': 1, at: -1 });
AuditEventSchema.index({ phone_number: 1, at: -1 });
