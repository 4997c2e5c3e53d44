ALTER TABLE "cases" ADD COLUMN "initiator_id" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "fields" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "offered_sops" jsonb;