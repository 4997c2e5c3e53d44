ALTER TABLE "messages" ADD COLUMN "forwarded_from" text;--> statement-breakpoint
ALTER TABLE "stakeholders" ADD COLUMN "email_stopped_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "messages_forwarded_from" ON "messages" USING btree ("forwarded_from");