ALTER TABLE "attachments" ADD COLUMN "kelengkapan" text;--> statement-breakpoint
ALTER TABLE "case_events" ADD COLUMN "absent" jsonb DEFAULT '[]'::jsonb NOT NULL;