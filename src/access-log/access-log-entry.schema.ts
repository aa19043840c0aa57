import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One read of one customer's record: who, when, which customer, through which route. */
@Schema({ collection: 'access_log', versionKey: false })
export class AccessLogEntry {
  @Prop({ type: Date, required: true })
  at: Date;

  /** Username of the reader (top level: filtered by equality). */
  @Prop({ type: String, required: true })
  actor: string;

  @Prop({ type: String, required: true })
  actor_role: string;

  /** The customer's phone number as the route named it, normalized. */
  @Prop({ type: String, required: true })
  phone_number: string;

  /** Method and route template, e.g. `GET /api/v1/customer/:phone/history`. */
  @Prop({ type: String, required: true })
  route: string;

  @Prop({ type: String, required: true })
  request_id: string;
}

export const AccessLogEntrySchema = SchemaFactory.createForClass(AccessLogEntry);
// Each filter the admin query takes, newest first; `at` alone for the retention purge.
AccessLogEntrySchema.index({ actor: 1, at: -1 });
AccessLogEntrySchema.index({ phone_number: 1, at: -1 });
AccessLogEntrySchema.index({ at: -1 });
