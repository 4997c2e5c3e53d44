DROP INDEX "messages_forwarded_from";--> statement-breakpoint
DROP INDEX "step_instances_left";--> statement-breakpoint
CREATE UNIQUE INDEX "messages_forwarded_from" ON "messages" USING btree ("forwarded_from") WHERE "messages"."forwarded_from" is not null;--> statement-breakpoint
CREATE INDEX "step_instances_left" ON "step_instances" USING btree ("left_at","case_id") WHERE "step_instances"."left_at" is not null;