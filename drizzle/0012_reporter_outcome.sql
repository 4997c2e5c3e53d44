ALTER TABLE "attachments" ADD COLUMN "public_name" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "reopen_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "step_instances" ADD COLUMN "note_public" boolean DEFAULT false NOT NULL;