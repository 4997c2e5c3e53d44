CREATE INDEX "attachments_case" ON "attachments" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "step_instances_left" ON "step_instances" USING btree ("left_at","case_id");--> statement-breakpoint
CREATE INDEX "step_instances_unmeasured" ON "step_instances" USING btree ("left_at") WHERE "step_instances"."working_ms" is null and "step_instances"."left_at" is not null;